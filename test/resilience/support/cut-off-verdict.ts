/**
 * The callers of the dead replica: their connections broke, so they never learnt what became of
 * their integrations. Each must find it ended (those held at a boundary: rolled back by a
 * survivor's recovery), and a retry must replay what had ended before the death or, for what
 * recovery rolled back or what never started, run afresh.
 */
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { Integration } from '../../../src/orchestration/integration.js';
import { integrationIdOf, type CallerAnswer } from './caller.js';
import type { DatabaseSnapshot, IntegrationRow } from './database-view.js';
import type { CaseRun, SentAnswer } from './replica-burst.js';
import type { DoomedCase } from './replica-plan.js';
import { idOf } from './requests.js';

/** A request whose caller got no answer, because its replica died. */
export interface CutOff {
  name: string;
  request: IntegrationRequest;
  idempotencyKey?: string;
  /** Held at a boundary when the replica died: certainly cut short, and so rolled back. */
  held: boolean;
  /** What a fresh run of it answers: 201, or 409 when TSM holds its account and it rejects. */
  freshCode?: 'TSM_RESOURCE_EXISTS';
}

/** The doomed cases, and every burst case with a request the dead replica left unanswered. */
export function cutOffs(cases: CaseRun[], doomed: DoomedCase[]): CutOff[] {
  const burst = cases
    .filter(({ sent }) => sent.some(({ answer }) => answer.status === 0))
    .map(({ chaos }): CutOff => {
      const rejects = chaos.seeds.length > 0 && chaos.request.onExisting === 'reject';
      const { name, request, idempotencyKey } = chaos;
      return {
        name,
        request,
        idempotencyKey,
        held: false,
        freshCode: rejects ? 'TSM_RESOURCE_EXISTS' : undefined,
      };
    });
  const held = doomed.map(({ name, request, idempotencyKey }): CutOff => ({
    name,
    request,
    idempotencyKey,
    held: true,
  }));
  return [...held, ...burst];
}

/** The doomed cases' callers, every one of which must have lost its connection. */
export function answeredDoomed(doomed: DoomedCase[], answers: SentAnswer[]): string[] {
  return answers.flatMap(({ answer }, index) =>
    answer.status === 0 ? [] : [`${doomed[index]?.name ?? index} was answered ${answer.status}`],
  );
}

/** The row of the integration the request started, found by its account id; at most one. */
export function rowOf(
  snapshot: DatabaseSnapshot,
  request: IntegrationRequest,
): IntegrationRow | undefined {
  const rows = rowsOf(snapshot, request);
  if (rows.length > 1)
    throw new Error(`${rows.length} integrations hold account ${idOf(request, 'account')}`);
  return rows[0];
}

/** What recovery left of each cut-off integration, one sentence per fault. */
export function cutOffViolations(cuts: CutOff[], snapshot: DatabaseSnapshot): string[] {
  return cuts.flatMap((cut) => {
    const rows = rowsOf(snapshot, cut.request);
    const [row] = rows;
    if (rows.length > 1) return [`${cut.name}: ${rows.length} integrations ran`];
    if (!cut.held) return [];
    if (row === undefined) return [`${cut.name}: no integration stored`];
    const actions = snapshot.auditActions.get(row.integration.id) ?? [];
    const found: string[] = [];
    if (row.integration.status !== 'rolled_back')
      found.push(`${cut.name}: ${row.integration.status}`);
    if (!recoveredCutShort(actions))
      found.push(`${cut.name}: not recovered (${actions.join(', ')})`);
    return found;
  });
}

/** Whether the retry of a cut-off request did what its integration's end calls for. */
export function retryViolations(
  cut: CutOff,
  snapshot: DatabaseSnapshot,
  retry: CallerAnswer,
): string[] {
  const integration = rowOf(snapshot, cut.request)?.integration;
  const replayed = retry.headers['idempotent-replayed'] === 'true';
  const retryId = integrationIdOf(retry);
  if (mustReplay(cut, integration, snapshot)) {
    return replayed && retryId === integration?.id
      ? []
      : [`${cut.name}: its retry was not a replay of ${integration?.id ?? '?'}`];
  }
  const found = replayed ? [`${cut.name}: its retry replayed ${retryId ?? '?'}`] : [];
  if (integration !== undefined && retryId === integration.id) {
    found.push(`${cut.name}: its retry answered the cut-off integration ${retryId}`);
  }
  const expected = cut.freshCode === undefined ? '201' : `409 ${cut.freshCode}`;
  const got = `${retry.status}${retry.body.code === undefined ? '' : ` ${retry.body.code}`}`;
  if (got !== expected) found.push(`${cut.name}: its fresh retry was answered ${got}`);
  return found;
}

/**
 * A key replays an integration that ended on its own, even if its caller never heard of it; one
 * that recovery took over unfinished let go of its key, as did one that never started.
 */
function mustReplay(
  cut: CutOff,
  integration: Integration | undefined,
  snapshot: DatabaseSnapshot,
): boolean {
  if (cut.idempotencyKey === undefined || integration === undefined) return false;
  return !recoveredCutShort(snapshot.auditActions.get(integration.id) ?? []);
}

/** Whether recovery first took the integration over unfinished, not after its rollback failed. */
function recoveredCutShort(actions: string[]): boolean {
  const first = actions.indexOf('recovery.started');
  return first > 0 && actions[first - 1] !== 'integration.rollback_failed';
}

function rowsOf(snapshot: DatabaseSnapshot, request: IntegrationRequest): IntegrationRow[] {
  const accountId = idOf(request, 'account');
  return snapshot.integrations.filter(({ integration }) =>
    integration.resources.some(
      (resource) => resource.kind === 'account' && resource.id === accountId,
    ),
  );
}
