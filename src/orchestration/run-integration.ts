/**
 * The saga of one integration: start, read, plan, write, and when a write fails for good,
 * compensate in reverse order. Each phase is a named function that ends by saving the integration
 * with its audit records, so a write-ahead journal can later hook in at the same boundaries.
 */
import { planResources } from '../domain/tsm-bodies.js';
import type { DesiredResource } from '../domain/resources.js';
import { compensationPhase } from './compensation-phase.js';
import { internalFailure, rollbackFailure } from './failures.js';
import {
  IntegrationRun,
  type IntegrationCommand,
  type IntegrationRunnerDeps,
} from './integration-run.js';
import type { Integration, IntegrationFailure, LeftoverResource } from './integration.js';
import { planPhase } from './plan-phase.js';
import { readPhase } from './read-phase.js';
import { writePhase } from './write-phase.js';

export type { IntegrationCommand, IntegrationRunnerDeps, RunLogger } from './integration-run.js';

type TerminalStatus = 'succeeded' | 'rolled_back' | 'rollback_failed';

/**
 * Runs one integration to a terminal status and returns it as stored. Throws only what the store
 * threw, and even then after undoing what was changed in TSM.
 */
export async function runIntegration(
  deps: IntegrationRunnerDeps,
  command: IntegrationCommand,
): Promise<Integration> {
  const plan = planResources(command.integration);
  const run = new IntegrationRun(deps, command, plan);
  await startPhase(run, plan);

  const failure = await forwardPhases(run, plan);
  if (failure === undefined) await finish(run, 'succeeded');
  else if (run.phase === 'write') await rollBack(run, failure);
  else await finish(run, 'rolled_back', failure);

  run.rethrowStoreFailure();
  return structuredClone(run.integration);
}

async function startPhase(run: IntegrationRun, plan: DesiredResource[]): Promise<void> {
  run.audit('integration.started', {
    onExisting: run.integration.onExisting,
    caLabel: run.integration.caLabel,
    resources: plan.map(({ kind, id, mode }) => ({ kind, id, mode })),
    deadlineMs: run.deps.deadlineMs,
  });
  await run.create();
  run.logger.info({ actor: run.command.actor, resources: plan.length }, 'integration started');
}

/** Read, plan and write; the failure that stops them, if any. */
async function forwardPhases(
  run: IntegrationRun,
  plan: DesiredResource[],
): Promise<IntegrationFailure | undefined> {
  try {
    const read = await readPhase(run, plan);
    if (!read.ok) return read.failure;
    const planned = await planPhase(run, plan, read.existing);
    if (!planned.ok) return planned.failure;
    return await writePhase(run, planned.decisions);
  } catch (error) {
    // Whatever went wrong, what was already changed in TSM must still be undone.
    if (run.isStoreFailure(error)) run.tolerateStoreFailuresUntilTheEnd();
    run.logger.error({ err: error, phase: run.phase }, 'integration interrupted');
    return internalFailure();
  }
}

async function rollBack(run: IntegrationRun, failure: IntegrationFailure): Promise<void> {
  run.tolerateStoreFailuresUntilTheEnd();
  run.integration.status = 'rolling_back';
  run.integration.failure = failure;
  run.audit('integration.rolling_back', failureDetails(failure));
  run.logger.warn(
    { code: failure.code, kind: failure.kind, id: failure.id, changes: run.changes.length },
    'integration rolling back',
  );
  await run.save();

  const leftInTsm = await compensationPhase(run);
  if (leftInTsm.length === 0) await finish(run, 'rolled_back', failure);
  else await finish(run, 'rollback_failed', rollbackFailure(failure, leftInTsm), leftInTsm);
}

async function finish(
  run: IntegrationRun,
  status: TerminalStatus,
  failure?: IntegrationFailure,
  leftInTsm?: LeftoverResource[],
): Promise<void> {
  run.phase = 'finish';
  const { integration } = run;
  integration.status = status;
  const finishedAt = run.nowIso();
  integration.finishedAt = finishedAt;
  if (failure !== undefined) integration.failure = failure;
  if (leftInTsm !== undefined) integration.leftInTsm = leftInTsm;

  const durationMs = run.nowMs() - run.startedAtMs;
  run.audit(`integration.${status}`, { ...terminalDetails(failure, leftInTsm), durationMs });
  logTerminal(run, status, durationMs);
  await run.save(finishedAt);
}

function logTerminal(run: IntegrationRun, status: TerminalStatus, durationMs: number): void {
  const { failure, leftInTsm } = run.integration;
  if (status === 'succeeded') run.logger.info({ durationMs }, 'integration succeeded');
  else if (status === 'rolled_back') {
    run.logger.info({ durationMs, code: failure?.code }, 'integration rolled back');
  } else {
    run.logger.error(
      { durationMs, causeCode: failure?.causeCode, leftInTsm },
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
function failureDetails(failure: IntegrationFailure): Record<string, unknown> {
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
