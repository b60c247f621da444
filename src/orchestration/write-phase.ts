/**
 * The write phase: the resources to create or replace are PUT one by one, in plan order, within
 * the forward deadline. Each write's intent is committed before the call, so that whoever finishes
 * the integration knows what TSM may hold. Its outcome is not committed on its own: it rides with
 * the next commit (the next intent, the rolling-back save or the settlement). Until then the
 * stored intent has no outcome, which compensation already treats as uncertain and resolves by
 * reading TSM back, so a crash in between costs a read, never a wrong undo.
 */
import { fingerprintOf } from '../domain/fingerprint.js';
import type { Decision } from './decide.js';
import { stepFailure } from './failures.js';
import type { IntegrationRun } from './integration-run.js';
import type { IntegrationFailure } from './integration.js';
import type { JournalEntry } from './journal.js';
import { runTsmStep } from './tsm-step.js';

type WriteDecision = Extract<Decision, { action: 'create' | 'replace' }>;

/** Writes what the decisions call for; the failure of the first write that fails for good. */
export async function writePhase(
  run: IntegrationRun,
  decisions: Decision[],
): Promise<IntegrationFailure | undefined> {
  run.phase = 'write';
  for (const decision of decisions) {
    if (decision.action !== 'create' && decision.action !== 'replace') continue;
    const failure = await writeResource(run, decision);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

async function writeResource(
  run: IntegrationRun,
  decision: WriteDecision,
): Promise<IntegrationFailure | undefined> {
  const { kind, id, body } = decision;
  const entry = await recordIntent(run, decision);

  const { outcome, report } = await runTsmStep(
    run,
    { name: 'write', kind, id, method: 'PUT', deadline: run.forwardDeadline },
    (options) => run.deps.tsm.putResource(kind, id, body, options),
  );
  run.integration.steps.push(report);
  entry.write = outcome.ok ? 'applied' : outcome.uncertain ? 'uncertain' : 'not-applied';
  run.audit('journal.outcome', { seq: entry.seq, kind, id, write: entry.write });

  if (!outcome.ok) {
    run.setOutcome(kind, 'failed');
    return stepFailure('write', kind, id, outcome.failure);
  }
  const written = decision.action === 'create' ? 'created' : 'replaced';
  run.setOutcome(kind, written);
  run.audit('resource.written', { kind, id, tsmPath: entry.tsmPath, outcome: written });
  return undefined;
}

/** Journals the write and commits it, with what was recorded since, before TSM is called. */
async function recordIntent(run: IntegrationRun, decision: WriteDecision): Promise<JournalEntry> {
  const { kind, id, body } = decision;
  const entry: JournalEntry = {
    seq: run.journal.length + 1,
    kind,
    id,
    tsmPath: run.resource(kind).tsmPath,
    change: decision.action,
    bodyFingerprint: fingerprintOf(body),
    write: 'intent',
  };
  if (decision.action === 'replace') entry.snapshot = decision.snapshot;
  run.journal.push(entry);
  run.audit('journal.intent', {
    seq: entry.seq,
    kind,
    id,
    change: entry.change,
    bodyFingerprint: entry.bodyFingerprint,
  });
  await run.save();
  return entry;
}
