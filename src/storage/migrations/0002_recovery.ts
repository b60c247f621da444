/**
 * What recovery after a crash needs: each integration's journal and lease, the claims that keep
 * two integrations off one TSM resource, the callers' idempotency keys, and the indexes of the
 * recovery sweep, the integration list and the audit trail's request filter.
 */
import { sql, type Kysely } from 'kysely';
import { engineOf, textType, type TextType } from './engine.js';

const INDEXES = [
  ['integrations_recovery', 'integrations', ['status', 'lease_expires_at']],
  ['integrations_retry', 'integrations', ['status', 'retry_recovery_at']],
  ['integrations_by_status', 'integrations', ['status', 'created_at', 'id']],
  ['integrations_newest', 'integrations', ['created_at', 'id']],
  ['resource_claims_integration_id', 'resource_claims', ['integration_id']],
  ['idempotency_keys_expires_at', 'idempotency_keys', ['expires_at']],
  ['idempotency_keys_integration_id', 'idempotency_keys', ['integration_id']],
  ['audit_records_request_id', 'audit_records', ['request_id', 'id']],
] as const;

const COLUMNS = [
  'journal',
  'lease_owner',
  'lease_expires_at',
  'recovery_attempts',
  'retry_recovery_at',
] as const;

/** Adds the columns, tables and indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(engineOf(db));
  await addRecoveryColumns(db, text);
  await createResourceClaims(db, text);
  await createIdempotencyKeys(db, text);
  for (const [name, table, columns] of INDEXES) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }
}

/** Drops what up created, for a developer who must start over; the service never calls it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('resource_claims').execute();
  for (const column of COLUMNS) {
    await db.schema.alterTable('integrations').dropColumn(column).execute();
  }
}

// SQLite adds one column per statement, and a NOT NULL one only with a default, which also
// gives the rows written before this migration their empty journal.
async function addRecoveryColumns(db: Kysely<unknown>, text: TextType): Promise<void> {
  const integrations = () => db.schema.alterTable('integrations');
  await integrations()
    .addColumn('journal', text, (column) => column.notNull().defaultTo(sql.lit('[]')))
    .execute();
  await integrations().addColumn('lease_owner', text).execute();
  await integrations().addColumn('lease_expires_at', text).execute();
  await integrations()
    .addColumn('recovery_attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await integrations().addColumn('retry_recovery_at', text).execute();
}

async function createResourceClaims(db: Kysely<unknown>, text: TextType): Promise<void> {
  await db.schema
    .createTable('resource_claims')
    .addColumn('kind', text, (column) => column.notNull())
    .addColumn('resource_id', text, (column) => column.notNull())
    .addColumn('integration_id', text, (column) => column.notNull().references('integrations.id'))
    .addColumn('claimed_at', text, (column) => column.notNull())
    .addPrimaryKeyConstraint('resource_claims_pk', ['kind', 'resource_id'])
    .execute();
}

async function createIdempotencyKeys(db: Kysely<unknown>, text: TextType): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('actor', text, (column) => column.notNull())
    .addColumn('key', text, (column) => column.notNull())
    .addColumn('fingerprint', text, (column) => column.notNull())
    .addColumn('integration_id', text, (column) => column.notNull().references('integrations.id'))
    .addColumn('created_at', text, (column) => column.notNull())
    .addColumn('expires_at', text, (column) => column.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor', 'key'])
    .execute();
}
