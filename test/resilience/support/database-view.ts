/**
 * The service's SQLite file as the resilience tests inspect it: opened read-only, beside the
 * running service, to see what a crash or a chaos run left in the rows themselves (statuses,
 * leases, claims, journals and the audit trail), not what the API chooses to show.
 */
import SqliteDatabase from 'better-sqlite3';
import type { Integration } from '../../../src/orchestration/integration.js';
import type { JournalEntry } from '../../../src/orchestration/journal.js';

/** One integration row: the stored document, its journal and its lease. */
export interface IntegrationRow {
  integration: Integration;
  journal: JournalEntry[];
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
}

/** One claim on a TSM resource id. */
export interface ClaimRow {
  kind: string;
  resourceId: string;
  integrationId: string;
}

/** What the database holds, read in one go. */
export interface DatabaseSnapshot {
  integrations: IntegrationRow[];
  claims: ClaimRow[];
  /** Each integration's audit actions, oldest first. */
  auditActions: Map<string, string[]>;
  /** The keys as stored: their digests, never the callers' keys. */
  idempotencyKeys: { actor: string; keyDigest: string; integrationId: string }[];
}

/** An integrations row as either engine returns it. */
export interface RawIntegration {
  document: string;
  journal: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

/** Reads every integration, claim, key and audit action from the file, read-only. */
export function readDatabase(dbPath: string): DatabaseSnapshot {
  const db = new SqliteDatabase(dbPath, { readonly: true, fileMustExist: true });
  try {
    // One read transaction: the service may be writing while the test reads.
    return db.transaction(() => ({
      integrations: db
        .prepare<[], RawIntegration>(
          'SELECT document, journal, lease_owner, lease_expires_at FROM integrations',
        )
        .all()
        .map(toIntegrationRow),
      claims: db
        .prepare<[], ClaimRow>(
          'SELECT kind, resource_id AS resourceId, integration_id AS integrationId ' +
            'FROM resource_claims',
        )
        .all(),
      auditActions: auditActionsOf(db),
      idempotencyKeys: db
        .prepare<[], DatabaseSnapshot['idempotencyKeys'][number]>(
          'SELECT actor, key_digest AS keyDigest, integration_id AS integrationId ' +
            'FROM idempotency_keys',
        )
        .all(),
    }))();
  } finally {
    db.close();
  }
}

/** The one integration row with this id; throws when there is none. */
export function integrationRow(dbPath: string, id: string): IntegrationRow {
  const row = readDatabase(dbPath).integrations.find(
    (candidate) => candidate.integration.id === id,
  );
  if (row === undefined) throw new Error(`no integration ${id} in ${dbPath}`);
  return row;
}

/** The row as the tests read it: the document and journal parsed. */
export function toIntegrationRow(raw: RawIntegration): IntegrationRow {
  return {
    integration: JSON.parse(raw.document) as Integration,
    journal: JSON.parse(raw.journal) as JournalEntry[],
    leaseOwner: raw.lease_owner,
    leaseExpiresAt: raw.lease_expires_at,
  };
}

function auditActionsOf(db: SqliteDatabase.Database): Map<string, string[]> {
  const rows = db
    .prepare<[], { integrationId: string; action: string }>(
      'SELECT integration_id AS integrationId, action FROM audit_records ' +
        'WHERE integration_id IS NOT NULL ORDER BY id',
    )
    .all();
  return groupAuditActions(rows);
}

/** Audit actions grouped by integration, in the order given (oldest first). */
export function groupAuditActions(
  rows: { integrationId: string; action: string }[],
): Map<string, string[]> {
  const byIntegration = new Map<string, string[]>();
  for (const { integrationId, action } of rows) {
    const actions = byIntegration.get(integrationId) ?? [];
    actions.push(action);
    byIntegration.set(integrationId, actions);
  }
  return byIntegration;
}
