/**
 * The use cases behind the HTTP routes for integrations: create one from a raw request body (at
 * most once per Idempotency-Key), read and list them, and the recovery and shutdown that keep
 * every integration whole. Validation failures are audited here so the route stays a mapping.
 */
import type { AuditAction } from '../domain/audit-actions.js';
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
import { deleteIntegration, type DeleteOutcome } from './deletion.js';
import type { Integration } from './integration.js';
import type { IntegrationObserver } from './integration-observer.js';
import type { HaltReason } from './integration-run.js';
import { previewIntegration, type PreviewOutcome } from './preview.js';
import type { PreflightSettings } from './preflight.js';
import { RecoverySweeper } from './recovery-sweeper.js';
import { RunRegistry } from './run-registry.js';
import {
  runIntegration,
  type IntegrationRunnerDeps,
  type RunLogger,
  type RunOutcome,
} from './run-integration.js';
import type { NotifyCallback } from '../callbacks/callback-notifier.js';
import { runInBackground } from './background-run.js';

/** Who asks, and under which request id, for audit and tracing. */
export interface CallContext {
  actor: string;
  requestId: string;
  logger: RunLogger;
  /** The caller's Idempotency-Key header, when it sent one. */
  idempotencyKey?: string;
  /** Prefer: respond-async: answer once stored, run on, and notify `callbackUrl` at the end. */
  respondAsync?: { callbackUrl?: URL };
}

/**
 * The result of a create. invalid: refused by validation, nothing stored. finished: run to a
 * terminal status. replayed: the key's earlier integration, finished. halted: the service is
 * stopping, or this replica lost the integration's lease (`reason`); recovery rolls it back.
 * accepted: stored and running on (respond-async). key-reused: the key came with another
 * request. in-progress: the key's integration, or another one holding `claim`, is still running.
 */
export type CreateOutcome =
  | { kind: 'invalid'; errors: FieldError[]; warnings: Warning[] }
  | { kind: 'finished' | 'replayed' | 'accepted'; integration: Integration }
  | { kind: 'halted'; integration: Integration; reason: HaltReason }
  | { kind: 'key-reused'; integrationId: string }
  | { kind: 'in-progress'; integrationId: string; claim?: ResourceClaim };

/** The result of a preview: refused by validation, or what previewIntegration answered. */
export type PreviewResult =
  { kind: 'invalid'; errors: FieldError[]; warnings: Warning[] } | PreviewOutcome;

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
  /** VAULT_ALLOW_LOOPBACK: loopback Vault URLs pass validation. */
  allowLoopbackVault: boolean;
  /** Notifies a respond-async caller's callback URL at the end. */
  notifyCallback: NotifyCallback;
  /** The Vault preflight; absent: off. */
  vaultPreflight?: PreflightSettings;
  /** Learns how runs, rollbacks, sweeps and repeated keys end; the service's metrics. */
  observer?: IntegrationObserver;
}

/** The integration use cases, bound to their dependencies. */
export interface IntegrationService {
  create(body: unknown, context: CallContext): Promise<CreateOutcome>;
  /** What create would do with this body, reading TSM and changing nothing (see preview.ts). */
  preview(body: unknown, context: CallContext): Promise<PreviewResult>;
  get(id: string): Promise<Integration | undefined>;
  list(query: IntegrationListQuery): Promise<IntegrationPage>;
  /** Deletes from TSM what the integration created, newest first (see deletion.ts). */
  remove(id: string, context: CallContext): Promise<DeleteOutcome>;
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
    preview: (body, context) => preview(deps, body, context),
    get: (id) => deps.store.getIntegration(id),
    list: (query) => deps.store.listIntegrations(query),
    remove: (id, context) =>
      deleteIntegration(
        { ...runner, logger: context.logger },
        id,
        { actor: context.actor, requestId: context.requestId },
        registry,
      ),
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
    allowLoopbackVault: deps.allowLoopbackVault,
    now: deps.now(),
  });
  if (!validation.ok) {
    await auditRejection(deps.store, context, validation.errors);
    return { kind: 'invalid', errors: validation.errors, warnings: validation.warnings };
  }
  const key = context.idempotencyKey;
  const fingerprint = fingerprintOf(validation.integration);
  const expiresAt = new Date(deps.now().getTime() + deps.idempotencyKeyTtlMs).toISOString();
  const run = (onStarted?: (integration: Integration) => void) =>
    runIntegration(
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
        onStarted,
      },
    );
  if (context.respondAsync === undefined) return answerFor(deps, await run(), fingerprint);

  const { callbackUrl } = context.respondAsync;
  const started = await runInBackground(
    run,
    async (outcome) => {
      if (callbackUrl === undefined || outcome.kind !== 'finished') return;
      await deps.notifyCallback(callbackUrl, outcome.integration, context);
    },
    context.logger,
  );
  if (started.kind === 'accepted') return started;
  return answerFor(deps, started.outcome, fingerprint);
}

/** The outcome of a run as the caller is answered. */
async function answerFor(
  deps: Pick<IntegrationServiceDeps, 'store' | 'observer'>,
  outcome: RunOutcome,
  fingerprint: string,
): Promise<CreateOutcome> {
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

async function preview(
  deps: IntegrationServiceDeps,
  body: unknown,
  context: CallContext,
): Promise<PreviewResult> {
  const validation = validateIntegrationRequest(body, {
    allowHttpVault: deps.allowHttpVault,
    allowLoopbackVault: deps.allowLoopbackVault,
    now: deps.now(),
  });
  if (!validation.ok) {
    await auditRejection(deps.store, context, validation.errors, { dryRun: true });
    return { kind: 'invalid', errors: validation.errors, warnings: validation.warnings };
  }
  return previewIntegration(deps, validation.integration, validation.warnings, context);
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

function auditRejection(
  store: Store,
  context: CallContext,
  errors: FieldError[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  // Pointers and codes only: a message may quote a value, and the value may be sensitive.
  return store.appendAudit([
    {
      action: 'integration.validation_failed' satisfies AuditAction,
      actor: context.actor,
      requestId: context.requestId,
      details: { ...extra, errors: errors.map(({ pointer, code }) => ({ pointer, code })) },
    },
  ]);
}
