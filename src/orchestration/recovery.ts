/**
 * Recovery: integrations nobody is finishing any more — their runner's process died, or it gave
 * them up while stopping — and integrations whose rollback failed are taken over and rolled back
 * from their journal; a deletion cut short is finished instead. Every move is audited under the
 * actor "system". An integration cut short and rolled back this way lets go of its caller's
 * idempotency key, so the caller's retry runs afresh; one whose rollback had failed keeps its
 * key and the answer its caller got.
 */
import { randomUUID } from 'node:crypto';
import type { RecoveryCandidate } from '../storage/store.js';
import { rollBack } from './conclusion.js';
import { resumeDeletion } from './deletion.js';
import { causeOf, interruptedFailure } from './failures.js';
import { IntegrationRun, RunHalted, type IntegrationRunnerDeps } from './integration-run.js';
import { keepLease } from './lease-keeper.js';
import type { RunRegistry } from './run-registry.js';

/** The actor of the audit records recovery writes. */
export const RECOVERY_ACTOR = 'system';

/** What recovery needs beyond the runner's dependencies. */
export interface RecoveryOptions {
  registry: RunRegistry;
  /** The first wait before a failed rollback is tried again; doubles with each attempt. */
  recoveryBackoffMs: number;
}

/**
 * Rolls one taken-over integration back from its journal, to rolled_back or rollback_failed; one
 * taken over while deleting is deleted to the end instead.
 */
export async function recoverIntegration(
  deps: IntegrationRunnerDeps,
  candidate: RecoveryCandidate,
  options: RecoveryOptions,
): Promise<void> {
  const { integration, journal } = candidate.state;
  const context = { actor: RECOVERY_ACTOR, requestId: `recovery-${randomUUID()}` };
  // No request carries recovery, so its own id stands as the reqId of its lines.
  const logger = deps.logger.child({ reqId: context.requestId });
  const run = new IntegrationRun({ ...deps, logger }, integration, journal, context);
  const cause =
    integration.failure === undefined ? interruptedFailure() : causeOf(integration.failure);
  run.audit('recovery.started', {
    previousStatus: integration.status,
    attempt: candidate.recoveryAttempts + 1,
    journalEntries: journal.length,
  });
  run.logger.warn(
    { previousStatus: integration.status, attempt: candidate.recoveryAttempts + 1 },
    'integration recovering',
  );
  if (integration.status === 'deleting') {
    await resumeDeletion(run, options.registry);
    return;
  }

  const stopKeeping = keepLease(run);
  const untrack = options.registry.track(run);
  try {
    await rollBack(run, cause, {
      answersCaller: false,
      // A rollback_failed integration answered its caller already; one cut short never did.
      releaseKeyWhenRolledBack: integration.status !== 'rollback_failed',
      recoveryAttempts: candidate.recoveryAttempts,
      recoveryBackoffMs: options.recoveryBackoffMs,
    });
    run.rethrowStoreFailure();
  } catch (error) {
    if (!(error instanceof RunHalted)) throw error;
    // Stopping again, or another recoverer took it: the lease lapses and it is taken again.
    if (error.reason === 'shutdown') await deps.store.releaseLease(integration.id, deps.owner);
  } finally {
    stopKeeping();
    untrack();
  }
}
