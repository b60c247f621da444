/**
 * How a run ends: rolled back after a failure, or finished in a terminal status. Finishing
 * settles the integration in the store in one transaction: its final state and audit record, the
 * end of the lease, and what it lets go of (claims on TSM ids, the caller's idempotency key).
 * Live runs and recovery end the same way.
 */
import type { Settlement } from '../storage/store.js';
import { compensationPhase } from './compensation-phase.js';
import { rollbackFailure } from './failures.js';
import type { RunOrigin } from './integration-observer.js';
import type { IntegrationRun } from './integration-run.js';
import type { IntegrationFailure, LeftoverResource } from './integration.js';

type TerminalStatus = 'succeeded' | 'rolled_back' | 'rollback_failed';

/** The longest wait between two recovery attempts of an integration whose rollback failed. */
const MAX_RECOVERY_BACKOFF_MS = 60 * 60 * 1000;

/** How a run lets go when it ends: what differs between a live run and recovery. */
export interface EndOptions {
  /**
   * A live run answers its caller: the integration as it ends is kept with the caller's key, for
   * a retry under the same key to replay. Recovery answers nobody.
   */
  answersCaller: boolean;
  /**
   * Recovery forgets the key of an integration it found cut short and rolled back: that caller
   * never got a final answer, and its retry runs afresh.
   */
  releaseKeyWhenRolledBack: boolean;
  /** How many recovery attempts came before this run, for the backoff of the next one. */
  recoveryAttempts: number;
  /** The first wait before recovery retries a failed rollback; doubles with each attempt. */
  recoveryBackoffMs: number;
}

/** Marks the integration rolling back, compensates every journaled change, then finishes. */
export async function rollBack(
  run: IntegrationRun,
  failure: IntegrationFailure,
  options: EndOptions,
): Promise<void> {
  run.tolerateStoreFailuresUntilTheEnd();
  run.integration.status = 'rolling_back';
  run.integration.failure = failure;
  run.audit('integration.rolling_back', failureDetails(failure));
  run.logger.warn(
    { code: failure.code, kind: failure.kind, id: failure.id, changes: run.journal.length },
    'integration rolling back',
  );
  await run.save();

  const leftInTsm = await compensationPhase(run);
  const origin = originOf(options);
  run.observer.rollbackEnded(origin, leftInTsm.length === 0 ? 'rolled_back' : 'rollback_failed');
  if (leftInTsm.length === 0) await finish(run, 'rolled_back', options, failure);
  else {
    delete run.integration.leftInTsm;
    await finish(run, 'rollback_failed', options, rollbackFailure(failure, leftInTsm), leftInTsm);
  }
}

/** Ends the integration in a terminal status and settles it in the store. */
export async function finish(
  run: IntegrationRun,
  status: TerminalStatus,
  options: EndOptions,
  failure?: IntegrationFailure,
  leftInTsm?: LeftoverResource[],
): Promise<void> {
  run.phase = 'finish';
  const { integration } = run;
  const finishedAt = run.nowIso();
  integration.status = status;
  integration.finishedAt = finishedAt;
  if (failure !== undefined) integration.failure = failure;
  if (leftInTsm !== undefined) integration.leftInTsm = leftInTsm;
  else delete integration.leftInTsm;

  const durationMs = run.nowMs() - run.startedAtMs;
  run.audit(`integration.${status}`, { ...terminalDetails(failure, leftInTsm), durationMs });
  logTerminal(run, status, durationMs);
  run.observer.integrationEnded(originOf(options), status, durationMs);
  await run.settle(settlementFor(run, status, options), finishedAt);
}

function settlementFor(
  run: IntegrationRun,
  status: TerminalStatus,
  options: EndOptions,
): Settlement {
  const recordAnswer = options.answersCaller;
  if (status !== 'rollback_failed') {
    return {
      releaseClaims: true,
      releaseIdempotencyKey: status === 'rolled_back' && options.releaseKeyWhenRolledBack,
      recordAnswer,
    };
  }
  // Claims stay: what is left in TSM still belongs to this integration until recovery cleans up.
  const backoff = Math.min(
    options.recoveryBackoffMs * 2 ** options.recoveryAttempts,
    MAX_RECOVERY_BACKOFF_MS,
  );
  return {
    releaseClaims: false,
    releaseIdempotencyKey: false,
    retryRecoveryAt: new Date(run.nowMs() + backoff).toISOString(),
    recordAnswer,
  };
}

/** A live run answers its caller; recovery answers nobody. */
function originOf(options: EndOptions): RunOrigin {
  return options.answersCaller ? 'live' : 'recovery';
}

/** The one line of a run's end: info, or error when what is left in TSM needs an operator. */
function logTerminal(run: IntegrationRun, status: TerminalStatus, durationMs: number): void {
  const { failure, leftInTsm } = run.integration;
  const summary = { outcome: status, durationMs, attempts: run.attemptCount() };
  if (status === 'succeeded') run.logger.info(summary, 'integration succeeded');
  else if (status === 'rolled_back') {
    run.logger.info({ ...summary, code: failure?.code }, 'integration rolled back');
  } else {
    run.logger.error(
      { ...summary, causeCode: failure?.causeCode, leftInTsm },
      'integration rollback failed',
    );
  }
}

function terminalDetails(
  failure: IntegrationFailure | undefined,
  leftInTsm: LeftoverResource[] | undefined,
): Record<string, unknown> {
  const details: Record<string, unknown> = failure === undefined ? {} : failureDetails(failure);
  if (leftInTsm !== undefined) {
    details.leftInTsm = leftInTsm.map(({ kind, id, tsmPath, state }) => ({
      kind,
      id,
      tsmPath,
      state,
    }));
  }
  return details;
}

/** Codes, ids and statuses only: TSM's excerpt and the detail text stay out of the audit. */
export function failureDetails(failure: IntegrationFailure): Record<string, unknown> {
  const details: Record<string, unknown> = { code: failure.code };
  if (failure.causeCode !== undefined) details.causeCode = failure.causeCode;
  if (failure.kind !== undefined) details.kind = failure.kind;
  if (failure.id !== undefined) details.id = failure.id;
  if (failure.tsmStatus !== undefined) details.tsmStatus = failure.tsmStatus;
  if (failure.conflicts !== undefined) {
    details.conflicts = failure.conflicts.map(({ kind, id, differingFields }) => ({
      kind,
      id,
      differingFields,
    }));
  }
  return details;
}
