/**
 * The read phase: every planned resource is read from TSM, all at once, before anything is
 * changed. A read that fails ends the integration with nothing changed. The read steps are not
 * committed on their own: they ride with the next commit (the first write's intent, or the
 * settlement), since a crash before it leaves nothing in TSM to account for.
 */
import type { DesiredResource, ResourceBody, ResourceKind } from '../domain/resources.js';
import { stepFailure } from './failures.js';
import type { IntegrationRun } from './integration-run.js';
import type { IntegrationFailure } from './integration.js';
import { runTsmStep } from './tsm-step.js';

/** What TSM holds for each planned resource (`null`: absent), or why it could not be read. */
export type ReadResult =
  | { ok: true; existing: Map<ResourceKind, ResourceBody | null> }
  | { ok: false; failure: IntegrationFailure };

/** Reads the planned resources in parallel and records the read steps. */
export async function readPhase(run: IntegrationRun, plan: DesiredResource[]): Promise<ReadResult> {
  run.phase = 'read';
  const reads = await Promise.all(
    plan.map(({ kind, id }) =>
      runTsmStep(
        run,
        { name: 'read', kind, id, method: 'GET', deadline: run.forwardDeadline },
        (options) => run.deps.tsm.getResource(kind, id, options),
      ),
    ),
  );
  run.integration.steps.push(...reads.map((read) => read.report));

  const existing = new Map<ResourceKind, ResourceBody | null>();
  for (const [index, { kind, id }] of plan.entries()) {
    const outcome = reads[index]?.outcome;
    if (outcome === undefined) throw new Error(`no read of ${kind} was made`);
    if (!outcome.ok) return { ok: false, failure: stepFailure('read', kind, id, outcome.failure) };
    existing.set(kind, outcome.value);
  }
  return { ok: true, existing };
}
