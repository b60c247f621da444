/**
 * The compensation phase: every change the run made in TSM is undone, newest first. A created
 * resource is deleted, a replaced one is put back as it was. Compensations get a budget of their
 * own, so a forward phase that ran out of time still leaves time to undo it, and one that fails
 * does not stop the others.
 */
import type { AppliedChange, IntegrationRun } from './integration-run.js';
import { failureCode } from './failures.js';
import type { LeftoverResource, ResourceOutcome } from './integration.js';
import { runTsmStep, type StepRun } from './tsm-step.js';

/** Undoes the run's changes in reverse order; what could not be undone, in plan order. */
export async function compensationPhase(run: IntegrationRun): Promise<LeftoverResource[]> {
  run.phase = 'compensate';
  const deadline = run.nowMs() + run.deps.deadlineMs;
  const leftInTsm: LeftoverResource[] = [];

  for (const change of [...run.changes].reverse()) {
    const undone = await compensate(run, change, deadline);
    if (!undone) leftInTsm.unshift(leftover(change));
  }
  return leftInTsm;
}

async function compensate(
  run: IntegrationRun,
  change: AppliedChange,
  deadline: number,
): Promise<boolean> {
  const { kind, id, tsmPath } = change;
  const { outcome, report } = await undo(run, change, deadline);
  run.integration.steps.push(report);

  if (outcome.ok) {
    run.setOutcome(kind, outcome.value);
    run.audit('compensation.succeeded', {
      kind,
      id,
      tsmPath,
      method: report.method,
      outcome: outcome.value,
    });
  } else {
    const code = failureCode(outcome.failure);
    const tsmStatus = 'status' in outcome.failure ? outcome.failure.status : undefined;
    run.audit('compensation.failed', { kind, id, tsmPath, method: report.method, code, tsmStatus });
    run.logger.warn({ kind, id, method: report.method, code, tsmStatus }, 'compensation failed');
  }
  await run.save();
  return outcome.ok;
}

/** Makes the call that undoes one change; its value is the resource's outcome once undone. */
async function undo(
  run: IntegrationRun,
  change: AppliedChange,
  deadline: number,
): Promise<StepRun<ResourceOutcome>> {
  const { kind, id } = change;
  const spec = { name: 'compensate', kind, id, deadline } as const;
  if (change.action === 'replaced') {
    const step = await runTsmStep(run, { ...spec, method: 'PUT' }, (options) =>
      run.deps.tsm.putResource(kind, id, change.snapshot, options),
    );
    return withValue(step, (): ResourceOutcome => 'restored');
  }
  const step = await runTsmStep(run, { ...spec, method: 'DELETE' }, (options) =>
    run.deps.tsm.deleteResource(kind, id, options),
  );
  // A failed write that TSM never applied leaves nothing to delete: it simply failed.
  return withValue(step, (found): ResourceOutcome =>
    change.uncertain && found === 'absent' ? 'failed' : 'deleted',
  );
}

function withValue<T, U>(step: StepRun<T>, map: (value: T) => U): StepRun<U> {
  const { outcome, report } = step;
  return { report, outcome: outcome.ok ? { ok: true, value: map(outcome.value) } : outcome };
}

function leftover({ kind, id, tsmPath, action }: AppliedChange): LeftoverResource {
  const state = action === 'created' ? 'created-not-deleted' : 'replaced-not-restored';
  return { kind, id, tsmPath, state };
}
