/**
 * The preview of an integration (POST ?dryRun=true): the same reads and decisions as a real run,
 * answered as a plan per resource with the exact body a PUT would send. Nothing is written to
 * TSM and no integration is stored; one audit record says who previewed what.
 */
import type { AuditAction } from '../domain/audit-actions.js';
import type { Warning } from '../domain/findings.js';
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import type { DesiredResource, ResourceBody, ResourceKind } from '../domain/resources.js';
import { planResources } from '../domain/tsm-bodies.js';
import type { Store } from '../storage/store.js';
import type { TsmClient } from '../tsm/types.js';
import { decide, rootsOfTrustWarnings, type Decision } from './decide.js';
import { stepFailure } from './failures.js';
import type { IntegrationFailure } from './integration.js';
import { judgePreflight, preflightDetails, type PreflightSettings } from './preflight.js';
import type { VaultPreflight } from '../vault/preflight-report.js';
import type { RunLogger } from './run-integration.js';

/** What a real run would do with one resource, and what it would send. */
export interface PlannedResource {
  kind: ResourceKind;
  id: string;
  action: Decision['action'];
  tsmPath: string;
  /** For create and replace: the PUT's exact body. For unchanged and conflict: what it wants. */
  body?: ResourceBody;
  /** For replace and conflict: JSON pointers of the fields TSM holds otherwise. */
  differingFields?: string[];
}

/** The whole preview: each resource in call order, and whether a real run would write. */
export interface IntegrationPreview {
  dryRun: true;
  caLabel: string;
  onExisting: NormalizedIntegration['onExisting'];
  /**
   * false when a conflict, a missing bundle or (under VAULT_PREFLIGHT require) a failed Vault
   * preflight would stop the run before any write.
   */
  wouldProceed: boolean;
  /** The Vault preflight's report, when its mode is not off. */
  preflight?: VaultPreflight;
  /** Why the preflight would stop a real run, under require. */
  preflightFailure?: IntegrationFailure;
  resources: PlannedResource[];
  warnings: Warning[];
}

/** previewed: the plan. read-failed: TSM could not be read; the failure says why. */
export type PreviewOutcome =
  | { kind: 'previewed'; preview: IntegrationPreview }
  | { kind: 'read-failed'; failure: IntegrationFailure };

export interface PreviewDeps {
  tsm: TsmClient;
  store: Store;
  now: () => Date;
  deadlineMs: number;
  /** The Vault preflight; absent: off. */
  vaultPreflight?: PreflightSettings;
}

/** Who previews, for the audit record and TSM's X-Request-Id. */
export interface PreviewContext {
  actor: string;
  requestId: string;
  logger: RunLogger;
}

/** Reads TSM for a validated integration and answers what a run would do. */
export async function previewIntegration(
  deps: PreviewDeps,
  integration: NormalizedIntegration,
  warnings: Warning[],
  context: PreviewContext,
): Promise<PreviewOutcome> {
  const plan = planResources(integration);
  const [verdict, read] = await Promise.all([
    judgePreflight(deps.vaultPreflight, integration),
    readAll(deps, plan, context.requestId),
  ]);
  if (!read.ok) {
    await audit(deps, context, { code: read.failure.code, kind: read.failure.kind });
    return { kind: 'read-failed', failure: read.failure };
  }

  const decisions = plan.map((resource, index) =>
    decide(resource, read.existing[index] ?? null, integration.onExisting),
  );
  const preview: IntegrationPreview = {
    dryRun: true,
    caLabel: integration.certificateAuthority.label,
    onExisting: integration.onExisting,
    wouldProceed:
      verdict.failure === undefined &&
      decisions.every(({ action }) => action !== 'conflict' && action !== 'missing'),
    resources: decisions.map((decision, index) => planned(deps, decision, plan[index])),
    warnings: [...warnings, ...verdict.warnings, ...rootsOfTrustWarnings(decisions)],
  };
  if (verdict.preflight !== undefined) preview.preflight = verdict.preflight;
  if (verdict.failure !== undefined) preview.preflightFailure = verdict.failure;
  await audit(deps, context, {
    caLabel: preview.caLabel,
    wouldProceed: preview.wouldProceed,
    ...(verdict.preflight === undefined ? {} : { preflight: preflightDetails(verdict.preflight) }),
    decisions: decisions.map(({ kind, id, action }) => ({ kind, id, decision: action })),
  });
  context.logger.info({ wouldProceed: preview.wouldProceed }, 'integration previewed');
  return { kind: 'previewed', preview };
}

type ReadAll =
  { ok: true; existing: (ResourceBody | null)[] } | { ok: false; failure: IntegrationFailure };

/** Reads every planned resource at once, with the client's retries, within one deadline. */
async function readAll(
  deps: PreviewDeps,
  plan: DesiredResource[],
  requestId: string,
): Promise<ReadAll> {
  const deadline = deps.now().getTime() + deps.deadlineMs;
  const results = await Promise.all(
    plan.map(({ kind, id }) => deps.tsm.getResource(kind, id, { requestId, deadline })),
  );
  const existing: (ResourceBody | null)[] = [];
  for (const [index, result] of results.entries()) {
    const { kind, id } = plan[index] as DesiredResource;
    if (!result.ok) return { ok: false, failure: stepFailure('read', kind, id, result.failure) };
    existing.push(result.value);
  }
  return { ok: true, existing };
}

function planned(
  deps: PreviewDeps,
  decision: Decision,
  resource: DesiredResource | undefined,
): PlannedResource {
  const { kind, id, action } = decision;
  const result: PlannedResource = { kind, id, action, tsmPath: deps.tsm.resourcePath(kind, id) };
  if (resource?.body !== undefined) result.body = resource.body;
  if ('differingFields' in decision) result.differingFields = decision.differingFields;
  return result;
}

function audit(
  deps: PreviewDeps,
  context: PreviewContext,
  details: Record<string, unknown>,
): Promise<void> {
  return deps.store.appendAudit([
    {
      action: 'integration.previewed' satisfies AuditAction,
      actor: context.actor,
      requestId: context.requestId,
      details,
    },
  ]);
}
