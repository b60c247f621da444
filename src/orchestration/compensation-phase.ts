/**
 * The compensation phase: every change the journal records is undone, newest first. A created
 * resource is deleted, a replaced one is put back as it was. A write whose outcome is not known
 * (no answer, or a crash before the answer was recorded) is first resolved by reading TSM.
 * Each undo is journaled around its call like a write. Compensations get a budget of their own,
 * so a forward phase that ran out of time still leaves time to undo it, and one that fails does
 * not stop the others. The same phase finishes an integration after a crash (see recovery.ts).
 */
import { differingFields } from '../domain/compare.js';
import type { ResourceOutcome } from './integration.js';
import { failureCode } from './failures.js';
import type { IntegrationRun } from './integration-run.js';
import type { LeftoverResource } from './integration.js';
import type { JournalEntry } from './journal.js';
import { readBack, runTsmStep, type StepRun } from './tsm-step.js';

/** Undoes the journal's changes in reverse order; what could not be undone, in plan order. */
export async function compensationPhase(run: IntegrationRun): Promise<LeftoverResource[]> {
  run.phase = 'compensate';
  const deadline = run.nowMs() + run.deps.deadlineMs;
  const leftInTsm: LeftoverResource[] = [];

  for (const entry of [...run.journal].reverse()) {
    if (!needsUndo(entry)) continue;
    const written = await writeInTsm(run, entry, deadline);
    if (written === 'no') continue;
    const result = await undo(run, entry, deadline);
    if (result === 'done') continue;
    // Known to stay: TSM, read back, still holds the write, or it refused an undo of one known.
    const known = result === 'kept' || (result === 'refused' && written === 'yes');
    leftInTsm.unshift(leftover(entry, known));
  }
  return leftInTsm;
}

function needsUndo(entry: JournalEntry): boolean {
  return entry.write !== 'not-applied' && entry.undo !== 'done' && entry.undo !== 'not-needed';
}

/**
 * Whether TSM holds the entry's write: yes, no, or maybe. Only a write whose outcome is unknown is
 * checked: a created resource that is absent, or a replaced one that still has its old content,
 * was never written. When TSM cannot be read (maybe), the undo is made anyway: deleting and
 * restoring are harmless to repeat.
 */
async function writeInTsm(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<'yes' | 'no' | 'maybe'> {
  if (entry.write === 'applied') return 'yes';
  if (entry.undo !== undefined) return 'maybe';
  const prior = await holdsPriorState(run, entry, deadline);
  if (prior === undefined) return 'maybe';
  if (!prior) return 'yes';

  entry.undo = 'not-needed';
  const { seq, kind, id, tsmPath } = entry;
  run.audit('compensation.not_needed', { seq, kind, id, tsmPath });
  await run.save();
  return 'no';
}

/**
 * Reads the entry's resource back: true when TSM holds what it held before the integration (no
 * resource for a create, the snapshot for a replace), false when it holds something else, and
 * undefined when TSM could not be read.
 */
async function holdsPriorState(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<boolean | undefined> {
  const current = await readBack(run, {
    name: 'compensate',
    kind: entry.kind,
    id: entry.id,
    deadline,
  });
  if (current === undefined) return undefined;
  if (entry.change === 'create') return current === null;
  return current !== null && differingFields(entry.snapshot ?? {}, current).length === 0;
}

/**
 * Journals the undo, makes its call, and records the result: done, refused (TSM refused it or
 * never got it), kept (the call may have reached TSM, and reading it back shows the write still
 * there), or unknown (it may have reached TSM, which could not be read back).
 */
async function undo(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<UndoResult> {
  const { kind, id, tsmPath } = entry;
  entry.undo = 'intent';
  run.audit('journal.undo_intent', { seq: entry.seq, kind, id });
  await run.save();

  const { outcome, report } = await undoCall(run, entry, deadline);
  run.integration.steps.push(report);
  const details = { seq: entry.seq, kind, id, tsmPath, method: report.method };
  if (outcome.ok) {
    entry.undo = 'done';
    run.setOutcome(kind, outcome.value);
    run.audit('compensation.succeeded', { ...details, outcome: outcome.value });
  } else {
    entry.undo = 'failed';
    const code = failureCode(outcome.failure);
    const tsmStatus = 'status' in outcome.failure ? outcome.failure.status : undefined;
    run.audit('compensation.failed', { ...details, code, tsmStatus });
    run.logger.warn({ kind, id, method: report.method, code, tsmStatus }, 'compensation failed');
  }
  await run.save();
  if (outcome.ok) return 'done';
  return outcome.uncertain ? settleUncertainUndo(run, entry, deadline) : 'refused';
}

type UndoResult = 'done' | 'refused' | 'kept' | 'unknown';

/** An undo that got no clear answer: TSM is read to tell whether it landed after all. */
async function settleUncertainUndo(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<UndoResult> {
  const prior = await holdsPriorState(run, entry, deadline);
  if (prior === undefined) return 'unknown';
  if (!prior) return 'kept';

  entry.undo = 'done';
  run.setOutcome(entry.kind, entry.change === 'create' ? 'deleted' : 'restored');
  const { seq, kind, id, tsmPath } = entry;
  run.audit('compensation.verified', { seq, kind, id, tsmPath });
  await run.save();
  return 'done';
}

/** The call that undoes one change; its value is the resource's outcome once undone. */
async function undoCall(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<StepRun<ResourceOutcome>> {
  const { kind, id } = entry;
  const spec = { name: 'compensate', kind, id, deadline } as const;
  if (entry.change === 'replace') {
    const snapshot = entry.snapshot ?? {};
    const step = await runTsmStep(run, { ...spec, method: 'PUT' }, (options) =>
      run.deps.tsm.putResource(kind, id, snapshot, options),
    );
    return withValue(step, (): ResourceOutcome => 'restored');
  }
  const step = await runTsmStep(run, { ...spec, method: 'DELETE' }, (options) =>
    run.deps.tsm.deleteResource(kind, id, options),
  );
  // A write TSM never applied leaves nothing to delete: its resource simply failed.
  return withValue(step, (found): ResourceOutcome =>
    entry.write !== 'applied' && found === 'absent' ? 'failed' : 'deleted',
  );
}

function withValue<T, U>(step: StepRun<T>, map: (value: T) => U): StepRun<U> {
  const { outcome, report } = step;
  return { report, outcome: outcome.ok ? { ok: true, value: map(outcome.value) } : outcome };
}

/** What stays after a failed undo; unverified unless TSM is known to hold the write still. */
function leftover(entry: JournalEntry, known: boolean): LeftoverResource {
  const { kind, id, tsmPath, change } = entry;
  if (!known) return { kind, id, tsmPath, state: 'unverified' };
  const state = change === 'create' ? 'created-not-deleted' : 'replaced-not-restored';
  return { kind, id, tsmPath, state };
}
