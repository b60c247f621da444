/**
 * The in-memory store's two reads over many integrations, selecting and ordering as the SQL of
 * the SQLite store does: recovery's candidates, and the newest-first integration list.
 */
import type { Integration, IntegrationStatus } from '../../src/orchestration/integration.js';
import { toStoredBound } from '../../src/storage/audit-bounds.js';
import {
  decodeIntegrationCursor,
  encodeIntegrationCursor,
  type IntegrationPosition,
} from '../../src/storage/integration-cursor.js';
import { checkPageLimit } from '../../src/storage/page-limit.js';
import type {
  IntegrationListQuery,
  IntegrationPage,
  IntegrationState,
  Lease,
} from '../../src/storage/store.js';

/** One integration as the memory store keeps it: its row, in the SQLite store's terms. */
export interface StoredIntegration {
  state: IntegrationState;
  lease?: Lease;
  recoveryAttempts: number;
  retryRecoveryAt?: string;
}

const UNFINISHED: IntegrationStatus[] = ['in_progress', 'rolling_back', 'deleting'];

/** Up to `limit` integrations that need recovery at `now`, oldest first. */
export function recoveryCandidates(
  integrations: StoredIntegration[],
  now: string,
  limit: number,
): StoredIntegration[] {
  checkPageLimit(limit);
  return integrations
    .filter((stored) => needsRecovery(stored, now))
    .sort((a, b) => compare(positionOf(a), positionOf(b)))
    .slice(0, limit);
}

/** One page of the integrations the query selects, newest first, as copies. */
export function integrationPage(
  integrations: StoredIntegration[],
  query: IntegrationListQuery,
): IntegrationPage {
  checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeIntegrationCursor(query.cursor);

  const matches = matcher(query);
  const matching = integrations
    .map((stored) => stored.state.integration)
    .filter(matches)
    .filter((integration) => after === undefined || compare(integration, after) < 0)
    .sort((a, b) => compare(b, a));
  const page = structuredClone(matching.slice(0, query.limit));
  const last = page.at(-1);
  if (matching.length <= query.limit || last === undefined) return { integrations: page };
  return { integrations: page, nextCursor: encodeIntegrationCursor(last) };
}

/** The query's filters as a predicate, bounds as the SQL store compares them. */
function matcher(query: IntegrationListQuery): (integration: Integration) => boolean {
  const after =
    query.createdAfter === undefined ? '' : toStoredBound('createdAfter', query.createdAfter);
  const before =
    query.createdBefore === undefined
      ? undefined
      : toStoredBound('createdBefore', query.createdBefore);
  return (integration) =>
    (query.status === undefined || integration.status === query.status) &&
    (query.caLabel === undefined || integration.caLabel === query.caLabel) &&
    (query.actor === undefined || integration.actor === query.actor) &&
    integration.createdAt >= after &&
    (before === undefined || integration.createdAt < before);
}

function needsRecovery(stored: StoredIntegration, now: string): boolean {
  const { status } = stored.state.integration;
  const noLiveLease = stored.lease === undefined || stored.lease.expiresAt <= now;
  if (UNFINISHED.includes(status)) return noLiveLease;
  const due = stored.retryRecoveryAt !== undefined && stored.retryRecoveryAt <= now;
  return status === 'rollback_failed' && due && noLiveLease;
}

function positionOf(stored: StoredIntegration): IntegrationPosition {
  return stored.state.integration;
}

/** Orders by (createdAt, id) as text, as the SQL ORDER BY does. */
function compare(a: IntegrationPosition, b: IntegrationPosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}
