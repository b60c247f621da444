/**
 * The saga of one new integration: start it (claims, lease and idempotency key, all or nothing),
 * check the request against Vault, read, plan, write, and when a write fails for good, compensate
 * in reverse order. The integration is saved with its journal and audit records before every
 * write (its intent) and at the end; what happened in between rides with the next save.
 * A run halted by shutdown gives its lease up at once; one that lost its lease stops: recovery
 * finishes both.
 */
import type { AuditAction } from '../domain/audit-actions.js';
import { planResources } from '../domain/tsm-bodies.js';
import type { DesiredResource } from '../domain/resources.js';
import type { StartOutcome } from '../storage/store.js';
import { finish, rollBack, type EndOptions } from './conclusion.js';
import { internalFailure } from './failures.js';
import {
  IntegrationRun,
  RunHalted,
  type HaltReason,
  type IntegrationCommand,
  type IntegrationRunnerDeps,
} from './integration-run.js';
import type { Integration, IntegrationFailure } from './integration.js';
import { keepLease } from './lease-keeper.js';
import { planPhase } from './plan-phase.js';
import { preflightPhase } from './preflight.js';
import { readPhase } from './read-phase.js';
import type { RunRegistry } from './run-registry.js';
import { writePhase } from './write-phase.js';

export type { IntegrationCommand, IntegrationRunnerDeps, RunLogger } from './integration-run.js';

/** What a new run needs beyond the runner's dependencies. */
export interface NewRunOptions {
  /** The caller's Idempotency-Key, the request's fingerprint, and when the key expires. */
  idempotencyKey?: { key: string; fingerprint: string; expiresAt: string };
  /** Where the run is tracked while it works, so shutdown can wait for it or halt it. */
  registry: RunRegistry;
  /** The first wait before recovery retries a failed rollback. */
  recoveryBackoffMs: number;
  /** Called once the integration is stored and running, with a copy of it. */
  onStarted?: (integration: Integration) => void;
}

/**
 * finished: the run ended in a terminal status. not-started: the key or a claim was taken, and
 * nothing was stored. halted: the service is stopping (or lost the lease) mid-way; recovery rolls
 * the integration back.
 */
export type RunOutcome =
  | { kind: 'finished'; integration: Integration }
  | { kind: 'not-started'; refusal: Exclude<StartOutcome, { started: true }> }
  | { kind: 'halted'; integration: Integration; reason: HaltReason };

/**
 * Runs one new integration to a terminal status, or until it is halted. Throws only what the
 * store threw, and even then after undoing what was changed in TSM.
 */
export async function runIntegration(
  deps: IntegrationRunnerDeps,
  command: IntegrationCommand,
  options: NewRunOptions,
): Promise<RunOutcome> {
  const plan = planResources(command.integration);
  const run = new IntegrationRun(deps, newIntegration(deps, command, plan), [], command);
  const started = await start(run, command, plan, options);
  if (!started.started) return { kind: 'not-started', refusal: started };
  options.onStarted?.(structuredClone(run.integration));

  const stopKeeping = keepLease(run);
  const untrack = options.registry.track(run);
  try {
    await carryOut(run, command, plan, {
      answersCaller: true,
      releaseKeyWhenRolledBack: false,
      recoveryAttempts: 0,
      recoveryBackoffMs: options.recoveryBackoffMs,
    });
  } catch (error) {
    if (!(error instanceof RunHalted)) throw error;
    await handOver(run, error.reason);
    return { kind: 'halted', integration: structuredClone(run.integration), reason: error.reason };
  } finally {
    stopKeeping();
    untrack();
  }
  run.rethrowStoreFailure();
  return { kind: 'finished', integration: structuredClone(run.integration) };
}

async function start(
  run: IntegrationRun,
  command: IntegrationCommand,
  plan: DesiredResource[],
  options: NewRunOptions,
): Promise<StartOutcome> {
  run.audit('integration.started', {
    onExisting: run.integration.onExisting,
    caLabel: run.integration.caLabel,
    resources: plan.map(({ kind, id, mode }) => ({ kind, id, mode })),
    deadlineMs: run.deps.deadlineMs,
  });
  const key = options.idempotencyKey;
  const outcome = await run.deps.store.startIntegration({
    state: run.state(),
    claims: plan.map(({ kind, id }) => ({ kind, id })),
    lease: run.freshLease(),
    idempotencyKey:
      key === undefined
        ? undefined
        : {
            actor: command.actor,
            key: key.key,
            fingerprint: key.fingerprint,
            integrationId: run.integration.id,
            expiresAt: key.expiresAt,
          },
    audit: run.takeAudit(),
  });
  if (outcome.started) {
    run.logger.info({ actor: command.actor, resources: plan.length }, 'integration started');
  }
  return outcome;
}

/** Preflight, read, plan and write; then succeed, or roll back what was written. */
async function carryOut(
  run: IntegrationRun,
  command: IntegrationCommand,
  plan: DesiredResource[],
  options: EndOptions,
): Promise<void> {
  const failure = await forwardPhases(run, command, plan);
  if (failure === undefined) await finish(run, 'succeeded', options);
  else if (run.journal.length > 0) await rollBack(run, failure, options);
  else await finish(run, 'rolled_back', options, failure);
}

/** Preflight, read, plan and write; the failure that stops them, if any. */
async function forwardPhases(
  run: IntegrationRun,
  command: IntegrationCommand,
  plan: DesiredResource[],
): Promise<IntegrationFailure | undefined> {
  try {
    const refused = await preflightPhase(run, command.integration);
    if (refused !== undefined) return refused;
    const read = await readPhase(run, plan);
    if (!read.ok) return read.failure;
    const planned = planPhase(run, plan, read.existing);
    if (!planned.ok) return planned.failure;
    return await writePhase(run, planned.decisions);
  } catch (error) {
    if (error instanceof RunHalted) throw error;
    // Whatever went wrong, what was already changed in TSM must still be undone.
    if (run.isStoreFailure(error)) run.tolerateStoreFailuresUntilTheEnd();
    run.logger.error({ err: error, phase: run.phase }, 'integration interrupted');
    return internalFailure();
  }
}

/**
 * Leaves a halted integration to recovery. On shutdown the lease is given up so recovery (here
 * after a restart, or on another replica) may start at once, and the trail says why. A lost lease
 * is another runner's now, and so is the trail: that runner may already have ended the
 * integration, and a record appended here would follow its end; recovery's own records say it
 * took over.
 */
async function handOver(run: IntegrationRun, reason: HaltReason): Promise<void> {
  run.logger.warn({ reason, phase: run.phase }, 'integration left to recovery');
  if (reason === 'lease-lost') return;
  const { store, owner } = run.deps;
  try {
    const audit = run.takeAudit();
    audit.push({
      action: 'integration.handed_over' satisfies AuditAction,
      actor: run.context.actor,
      requestId: run.context.requestId,
      integrationId: run.integration.id,
      details: { reason, phase: run.phase },
    });
    await store.appendAudit(audit);
    await store.releaseLease(run.integration.id, owner);
  } catch (error) {
    // The lease then simply expires, and recovery starts a little later.
    run.logger.error({ err: error }, 'integration not handed over');
  }
}

function newIntegration(
  deps: IntegrationRunnerDeps,
  command: IntegrationCommand,
  plan: DesiredResource[],
): Integration {
  const at = deps.now().toISOString();
  return {
    id: deps.newId(),
    status: 'in_progress',
    caLabel: command.integration.certificateAuthority.label,
    actor: command.actor,
    requestId: command.requestId,
    onExisting: command.integration.onExisting,
    resources: plan.map(({ kind, id }) => ({
      kind,
      id,
      tsmPath: deps.tsm.resourcePath(kind, id),
      outcome: 'pending',
    })),
    steps: [],
    warnings: [...command.warnings],
    createdAt: at,
    updatedAt: at,
  };
}
