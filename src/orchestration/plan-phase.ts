/**
 * The plan phase: each planned resource is decided against what TSM holds, the decisions are
 * audited, and the integration stops here, before any write, when a referenced bundle is missing
 * or a resource conflicts. Like the reads, the decisions are committed with the next commit.
 */
import type { DesiredResource, ResourceBody, ResourceKind } from '../domain/resources.js';
import { decide, rootsOfTrustWarnings, type Decision } from './decide.js';
import { conflictFailure, missingBundleFailure } from './failures.js';
import type { IntegrationRun } from './integration-run.js';
import type { IntegrationFailure, ResourceConflict } from './integration.js';

/** The decisions to carry out, in plan order, or why nothing may be written. */
export type PlanResult =
  { ok: true; decisions: Decision[] } | { ok: false; failure: IntegrationFailure };

/** Decides every resource and records the decisions and warnings. */
export function planPhase(
  run: IntegrationRun,
  plan: DesiredResource[],
  existing: Map<ResourceKind, ResourceBody | null>,
): PlanResult {
  run.phase = 'plan';
  const onExisting = run.integration.onExisting;
  const decisions = plan.map((resource) =>
    decide(resource, existing.get(resource.kind) ?? null, onExisting),
  );

  for (const decision of decisions) {
    if (decision.action === 'unchanged' || decision.action === 'referenced') {
      run.setOutcome(decision.kind, decision.action);
    }
  }
  run.integration.warnings.push(...rootsOfTrustWarnings(decisions));
  run.audit('integration.planned', { decisions: decisions.map(decisionDetails) });

  const failure = refusal(run, decisions);
  return failure === undefined ? { ok: true, decisions } : { ok: false, failure };
}

function refusal(run: IntegrationRun, decisions: Decision[]): IntegrationFailure | undefined {
  const missing = decisions.find((decision) => decision.action === 'missing');
  if (missing !== undefined) return missingBundleFailure(missing.id);

  const conflicts: ResourceConflict[] = decisions.flatMap((decision) =>
    decision.action === 'conflict'
      ? [
          {
            kind: decision.kind,
            id: decision.id,
            tsmPath: run.resource(decision.kind).tsmPath,
            differingFields: decision.differingFields,
          },
        ]
      : [],
  );
  return conflicts.length > 0 ? conflictFailure(conflicts) : undefined;
}

function decisionDetails(decision: Decision): Record<string, unknown> {
  const details: Record<string, unknown> = {
    kind: decision.kind,
    id: decision.id,
    decision: decision.action,
  };
  if ('differingFields' in decision) details.differingFields = decision.differingFields;
  return details;
}
