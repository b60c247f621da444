/**
 * The write phase: the resources to create or replace are PUT one by one, in plan order, within
 * the forward deadline. Every change is entered in the run's changes as soon as it is known, so
 * a rollback finds it.
 */
import type { AppliedChange, IntegrationRun } from './integration-run.js';
import type { Decision } from './decide.js';
import { stepFailure } from './failures.js';
import type { IntegrationFailure } from './integration.js';
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
  const { outcome, report } = await runTsmStep(
    run,
    { name: 'write', kind, id, method: 'PUT', deadline: run.forwardDeadline },
    (options) => run.deps.tsm.putResource(kind, id, body, options),
  );
  run.integration.steps.push(report);

  const change = appliedChange(run, decision, !outcome.ok);
  if (outcome.ok || outcome.uncertain) run.changes.push(change);
  if (!outcome.ok) {
    run.setOutcome(kind, 'failed');
    return stepFailure('write', kind, id, outcome.failure);
  }

  run.setOutcome(kind, change.action);
  run.audit('resource.written', { kind, id, tsmPath: change.tsmPath, outcome: change.action });
  await run.save();
  return undefined;
}

function appliedChange(
  run: IntegrationRun,
  decision: WriteDecision,
  uncertain: boolean,
): AppliedChange {
  const { kind, id } = decision;
  const tsmPath = run.resource(kind).tsmPath;
  return decision.action === 'create'
    ? { action: 'created', kind, id, tsmPath, uncertain }
    : { action: 'replaced', kind, id, tsmPath, uncertain, snapshot: decision.snapshot };
}
