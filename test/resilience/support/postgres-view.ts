/**
 * The service's PostgreSQL schema as the resilience tests inspect it: the same DatabaseSnapshot
 * the SQLite reader gives, read beside the running replicas in one snapshot of the database, so
 * the invariant checker judges PostgreSQL rows exactly as it judges SQLite ones.
 */
import pg from 'pg';
import {
  groupAuditActions,
  toIntegrationRow,
  type ClaimRow,
  type DatabaseSnapshot,
  type RawIntegration,
} from './database-view.js';

type KeyRow = DatabaseSnapshot['idempotencyKeys'][number];

/**
 * Reads every integration, claim, key and audit action of the schema `url` puts first in its
 * search_path, in one read-only transaction that sees a single moment of the database.
 */
export async function readPostgresDatabase(url: string): Promise<DatabaseSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Replicas commit while the test reads: one repeatable-read transaction sees one instant.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = await readAll(client);
    await client.query('COMMIT');
    return snapshot;
  } finally {
    await client.end();
  }
}

async function readAll(client: pg.Client): Promise<DatabaseSnapshot> {
  const integrations = await client.query<RawIntegration>(
    'SELECT document, journal, lease_owner, lease_expires_at FROM integrations',
  );
  const claims = await client.query<ClaimRow>(
    'SELECT kind, resource_id AS "resourceId", integration_id AS "integrationId" ' +
      'FROM resource_claims',
  );
  const keys = await client.query<KeyRow>(
    'SELECT actor, key_digest AS "keyDigest", integration_id AS "integrationId" ' +
      'FROM idempotency_keys',
  );
  // One runner at a time writes an integration's trail, so id order is the order it was written.
  const audit = await client.query<{ integrationId: string; action: string }>(
    'SELECT integration_id AS "integrationId", action FROM audit_records ' +
      'WHERE integration_id IS NOT NULL ORDER BY id',
  );
  return {
    integrations: integrations.rows.map(toIntegrationRow),
    claims: claims.rows,
    auditActions: groupAuditActions(audit.rows),
    idempotencyKeys: keys.rows,
  };
}
