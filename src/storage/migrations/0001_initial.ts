/**
 * The first schema: integrations, and the audit trail with the indexes its filters use and the
 * triggers that make it append-only in the database itself.
 */
import { sql, type Kysely } from 'kysely';

// Each audit filter is an equality plus newest-first order by id, so every index ends in id.
const AUDIT_INDEXES = [
  ['audit_records_integration_id', 'integration_id'],
  ['audit_records_actor', 'actor'],
  ['audit_records_action', 'action'],
  ['audit_records_at', 'at'],
] as const;

/** Creates the tables, indexes and triggers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createIntegrations(db);
  await createAuditRecords(db);
  for (const [name, column] of AUDIT_INDEXES) {
    await db.schema.createIndex(name).on('audit_records').columns([column, 'id']).execute();
  }
  await refuseAuditChanges(db);
}

/** Drops what up created, for a developer who must start over; the service never calls it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_records').execute();
  await db.schema.dropTable('integrations').execute();
}

async function createIntegrations(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('ca_label', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('request_id', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('document', 'text', (column) => column.notNull())
    .execute();
}

async function createAuditRecords(db: Kysely<unknown>): Promise<void> {
  // AUTOINCREMENT, not a bare rowid: an id is never reused, so a cursor stays meaningful.
  await db.schema
    .createTable('audit_records')
    .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('request_id', 'text', (column) => column.notNull())
    .addColumn('integration_id', 'text')
    .addColumn('details', 'text', (column) => column.notNull())
    .execute();
}

// SQLite's trigger form; PostgreSQL will need a trigger function, so this step is per dialect.
async function refuseAuditChanges(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TRIGGER audit_records_refuse_update BEFORE UPDATE ON audit_records
    BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END
  `.execute(db);
  await sql`
    CREATE TRIGGER audit_records_refuse_delete BEFORE DELETE ON audit_records
    BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END
  `.execute(db);
}
