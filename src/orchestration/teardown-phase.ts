/**
 * The teardown phase of a deletion: what the integration wrote in TSM is deleted, newest first
 * (CA configuration, account, bundle), each DELETE journaled around its call like a write. What
 * it found already there unchanged, or only referenced, was never journaled and stays. A resource
 * it replaced holds the integration's content now, so it is deleted too; the body it replaced is
 * not put back, since whatever used it was re-pointed at the integration's. The first DELETE
 * that fails stops the phase: an older resource is still named by the newer one left in TSM.
 * A DELETE that failed without a clear answer (a timeout, a 5xx) is settled by reading the resource
 * back: gone means it landed after all, and the phase goes on.
 */
import type { IntegrationFailure, LeftoverResource } from './integration.js';
import { failureCode, describeResource } from './failures.js';
import type { IntegrationRun } from './integration-run.js';
import type { JournalEntry } from './journal.js';
import { readBack, runTsmStep, type StepFailure } from './tsm-step.js';

/**
 * removed: nothing the integration wrote is left. in-use: TSM refused to delete the CA
 * configuration because it is in use, and nothing was deleted. failed: a DELETE failed for good;
 * `leftInTsm` is what stays.
 */
export type TeardownResult =
  | { kind: 'removed' }
  | { kind: 'in-use'; failure: IntegrationFailure }
  | { kind: 'failed'; failure: IntegrationFailure; leftInTsm: LeftoverResource[] };

/** Deletes the journal's resources in reverse order, within one deadline budget. */
export async function teardownPhase(run: IntegrationRun): Promise<TeardownResult> {
  run.phase = 'delete';
  const deadline = run.nowMs() + run.deps.deadlineMs;
  const pending = toRemove(run.journal);

  for (const [index, entry] of pending.entries()) {
    const failure = await remove(run, entry, deadline);
    if (failure === undefined) continue;
    if (index === 0 && isInUse(entry, failure.cause)) {
      return { kind: 'in-use', failure: inUseFailure(entry, failure.cause) };
    }
    const leftInTsm = pending
      .slice(index)
      .reverse()
      .map((left) => leftover(left, left === entry && failure.uncertain));
    return { kind: 'failed', failure: failure.report, leftInTsm };
  }
  return { kind: 'removed' };
}

/** The entries whose resource TSM holds because of the integration, newest first. */
function toRemove(journal: JournalEntry[]): JournalEntry[] {
  return journal
    .filter((entry) => entry.write === 'applied' && entry.undo === undefined)
    .filter((entry) => entry.removal !== 'done')
    .reverse();
}

interface RemovalFailure {
  cause: StepFailure;
  /** The DELETE may have landed and reading the resource back failed too. */
  uncertain: boolean;
  report: IntegrationFailure;
}

/** Journals the DELETE, makes it, and records the result; the failure, if it failed. */
async function remove(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<RemovalFailure | undefined> {
  const { seq, kind, id, tsmPath } = entry;
  entry.removal = 'intent';
  run.audit('journal.removal_intent', { seq, kind, id });
  await run.save();

  const { outcome, report } = await runTsmStep(
    run,
    { name: 'delete', kind, id, method: 'DELETE', deadline },
    (options) => run.deps.tsm.deleteResource(kind, id, options),
  );
  run.integration.steps.push(report);
  // absent: someone deleted it by hand already, which is the state the deletion wants.
  if (outcome.ok) return await removed(run, entry, { found: outcome.value });

  entry.removal = 'failed';
  const code = failureCode(outcome.failure);
  const tsmStatus = 'status' in outcome.failure ? outcome.failure.status : undefined;
  run.audit('deletion.step_failed', { seq, kind, id, tsmPath, code, tsmStatus });
  run.logger.warn({ kind, id, code, tsmStatus }, 'deletion step failed');
  await run.save();

  // A DELETE that timed out or drew a 5xx may have landed: TSM is read to say what it holds.
  // A known limitation (README): a DELETE that timed out can still land after this read.
  const held = outcome.uncertain ? await stillHeld(run, entry, deadline) : true;
  if (held === false) return await removed(run, entry, { found: 'absent', readBack: true });
  return {
    cause: outcome.failure,
    uncertain: held === undefined,
    report: removalFailure(entry, outcome.failure),
  };
}

/** Records the entry's resource as gone from TSM. */
async function removed(
  run: IntegrationRun,
  entry: JournalEntry,
  details: Record<string, unknown>,
): Promise<undefined> {
  const { seq, kind, id, tsmPath } = entry;
  entry.removal = 'done';
  run.setOutcome(kind, 'deleted');
  run.audit('resource.deleted', { seq, kind, id, tsmPath, ...details });
  await run.save();
  return undefined;
}

/** Whether TSM still holds the entry's resource; undefined when it could not be read. */
async function stillHeld(
  run: IntegrationRun,
  entry: JournalEntry,
  deadline: number,
): Promise<boolean | undefined> {
  const found = await readBack(run, { name: 'delete', kind: entry.kind, id: entry.id, deadline });
  return found === undefined ? undefined : found !== null;
}

/** TSM answers 409 to deleting a CA configuration that clusters still use. */
function isInUse(entry: JournalEntry, failure: StepFailure): boolean {
  return (
    entry.kind === 'certificateAuthority' && failure.kind === 'rejected' && failure.status === 409
  );
}

function inUseFailure(entry: JournalEntry, failure: StepFailure): IntegrationFailure {
  const result: IntegrationFailure = {
    code: 'CA_LABEL_IN_USE',
    detail:
      `TSM refuses to delete ${describeResource(entry.kind, entry.id)}: it is still in use, ` +
      'most likely by clusters onboarded with its CA label. Nothing was deleted. Move those ' +
      'clusters to another CA first, then send DELETE again.',
    kind: entry.kind,
    id: entry.id,
  };
  return withTsmAnswer(result, failure);
}

function removalFailure(entry: JournalEntry, failure: StepFailure): IntegrationFailure {
  const result: IntegrationFailure = {
    code: failureCode(failure),
    detail: `Deleting ${describeResource(entry.kind, entry.id)} from TSM failed.`,
    kind: entry.kind,
    id: entry.id,
  };
  return withTsmAnswer(result, failure);
}

function withTsmAnswer(result: IntegrationFailure, failure: StepFailure): IntegrationFailure {
  if ('status' in failure && failure.status !== undefined) result.tsmStatus = failure.status;
  if ('excerpt' in failure && failure.excerpt !== undefined) result.tsmExcerpt = failure.excerpt;
  return result;
}

/** What stays after a failed deletion; unverified when TSM could not be read after the DELETE. */
function leftover(entry: JournalEntry, uncertain: boolean): LeftoverResource {
  const { kind, id, tsmPath } = entry;
  return { kind, id, tsmPath, state: uncertain ? 'unverified' : 'not-deleted' };
}
