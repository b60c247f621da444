/**
 * The use cases behind the HTTP routes for integrations: create one from a raw request body (at
 * most once per Idempotency-Key), read and list them, and the recovery and shutdown that keep
 * every integration whole. Validation failures are audited here so the route stays a mapping.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { fingerprintOf } from '../domain/fingerprint.js';
import type { FieldError, Warning } from '../domain/findings.js';
import { validateIntegrationRequest } from '../domain/validate-request.js';
import type {
  IdempotencyKey,
  IntegrationListQuery,
  IntegrationPage,
  ResourceClaim,
  Store,
} from '../storage/store.js';
import type { TsmClient } from '../tsm/types.js';
import type { Integration } from './integration.js';
import type { IntegrationObserver } from './integration-observer.js';
import type { HaltReason } from './integration-run.js';
import { RecoverySweeper } from './recovery-sweeper.js';
import { RunRegistry } from './run-registry.js';
import { runIntegration, type IntegrationRunnerDeps, type RunLogger } from './run-integration.js';

/** Who asks, and under which request id, for audit and tracing. */
export interface CallContext {
  actor: string;
  requestId: string;
  logger: RunLogger;
  /** The caller's Idempotency-Key header, when it sent one. */
  idempotencyKey?: string;
}

/**
 * The result of a create. invalid: refused by validation, nothing stored. finished: run to a
 * terminal status. replayed: the key's earlier integration, finished. halted: the service is
 * stopping, or this replica lost the integration's lease (`reason`); recovery rolls it back. key-reused: the key came with another request.
 * in-progress: the key's integration, or another one holding `claim`, is still running.
 */
export type CreateOutcome =
  | { kind: 'invalid'; errors: FieldError[]; warnings: Warning[] }
  | { kind: 'finished' | 'replayed'; integration: Integration }
  | { kind: 'halted'; integration: Integration; reason: HaltReason }
  | { kind: 'key-reused'; integrationId: string }
  | { kind: 'in-progress'; integrationId: string; claim?: ResourceClaim };

export interface IntegrationServiceDeps {
  tsm: TsmClient;
  store: Store;
  logger: RunLogger;
  now: () => Date;
  newId: () => string;
  deadlineMs: number;
  leaseMs: number;
  recoveryIntervalMs: number;
  idempotencyKeyTtlMs: number;
  allowHttpVault: boolean;
  /** Learns how runs, rollbacks, sweeps and repeated keys end; the service's metrics. */
  observer?: IntegrationObserver;
}

/** The integration use cases, bound to their dependencies. */
export interface IntegrationService {
  create(body: unknown, context: CallContext): Promise<CreateOutcome>;
  get(id: string): Promise<Integration | undefined>;
  list(query: IntegrationListQuery): Promise<IntegrationPage>;
  /** Sweeps for integrations to recover now and then every RECOVERY_INTERVAL_MS. */
  startRecovery(): void;
  /** One recovery sweep now; how many integrations it recovered. */
  sweepNow(): Promise<number>;
  /** Stops recovery, lets running integrations end within `boundMs`, then hands the rest over. */
  shutdown(boundMs: number): Promise<void>;
}

/** Binds the use cases to the TSM client, the store and the settings. */
export function createIntegrationService(deps: IntegrationServiceDeps): IntegrationService {
  const registry = new RunRegistry();
  const runner: IntegrationRunnerDeps = {
    ...deps,
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
  const recoveryOptions = { registry, recoveryBackoffMs: deps.recoveryIntervalMs };
  const sweeper = new RecoverySweeper(runner, {
    ...recoveryOptions,
    intervalMs: deps.recoveryIntervalMs,
  });

  return {
    create: (body, context) => create(runner, deps, registry, body, context),
    get: (id) => deps.store.getIntegration(id),
    list: (query) => deps.store.listIntegrations(query),
    startRecovery: () => sweeper.start(),
    sweepNow: () => sweeper.sweepOnce(),
    async shutdown(boundMs) {
      await sweeper.stop();
      const ended = await registry.drain(boundMs);
      if (!ended) deps.logger.warn({ boundMs }, 'running integrations handed to recovery');
    },
  };
}

async function create(
  runner: IntegrationRunnerDeps,
  deps: IntegrationServiceDeps,
  registry: RunRegistry,
  body: unknown,
  context: CallContext,
): Promise<CreateOutcome> {
  const validation = validateIntegrationRequest(body, {
    allowHttpVault: deps.allowHttpVault,
    now: deps.now(),
  });
  if (!validation.ok) {
    await auditRejection(deps.store, context, validation.errors);
    return { kind: 'invalid', errors: validation.errors, warnings: validation.warnings };
  }
  const key = context.idempotencyKey;
  const fingerprint = fingerprintOf(validation.integration);
  const expiresAt = new Date(deps.now().getTime() + deps.idempotencyKeyTtlMs).toISOString();
  const outcome = await runIntegration(
    { ...runner, logger: context.logger },
    {
      integration: validation.integration,
      warnings: validation.warnings,
      actor: context.actor,
      requestId: context.requestId,
    },
    {
      idempotencyKey: key === undefined ? undefined : { key, fingerprint, expiresAt },
      registry,
      recoveryBackoffMs: deps.recoveryIntervalMs,
    },
  );
  switch (outcome.kind) {
    case 'finished':
      return { kind: 'finished', integration: outcome.integration };
    case 'halted':
      return { kind: 'halted', integration: outcome.integration, reason: outcome.reason };
    case 'not-started': {
      const refusal = outcome.refusal;
      if (refusal.reason === 'claimed') {
        return { kind: 'in-progress', integrationId: refusal.heldBy, claim: refusal.claim };
      }
      const answer = await answerForKey(deps.store, refusal.existing, fingerprint);
      deps.observer?.keyAnswered(KEY_ANSWERS[answer.kind]);
      return answer;
    }
  }
}

type KeyOutcome =
  | { kind: 'replayed'; integration: Integration }
  | { kind: 'key-reused' | 'in-progress'; integrationId: string };

/** How the metrics name each answer to a repeated key. */
const KEY_ANSWERS = {
  replayed: 'replayed',
  'key-reused': 'key_reused',
  'in-progress': 'in_progress',
} as const;

/** What a repeated Idempotency-Key gets: a replay, a refusal, or "still running". */
async function answerForKey(
  store: Store,
  existing: IdempotencyKey,
  fingerprint: string,
): Promise<KeyOutcome> {
  if (existing.fingerprint !== fingerprint) {
    return { kind: 'key-reused', integrationId: existing.integrationId };
  }
  // The answer the caller got, even if recovery has changed the integration since.
  if (existing.answer !== undefined) return { kind: 'replayed', integration: existing.answer };
  const integration = await store.getIntegration(existing.integrationId);
  const finished =
    integration !== undefined &&
    integration.status !== 'in_progress' &&
    integration.status !== 'rolling_back';
  return finished
    ? { kind: 'replayed', integration }
    : { kind: 'in-progress', integrationId: existing.integrationId };
}

function auditRejection(store: Store, context: CallContext, errors: FieldError[]): Promise<void> {
  // Pointers and codes only: a message may quote a value, and the value may be sensitive.
  return store.appendAudit([
    {
      action: 'integration.validation_failed',
      actor: context.actor,
      requestId: context.requestId,
      details: { errors: errors.map(({ pointer, code }) => ({ pointer, code })) },
    },
  ]);
}
