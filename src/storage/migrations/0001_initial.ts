/**
 * The first schema: integrations, and the audit trail with the indexes its filters use and the
 * triggers that make it append-only in the database itself.
 */
import { sql, type Kysely } from 'kysely';
import { engineOf, textType, type Engine } from './engine.js';

// Each audit filter is an equality plus newest-first order by id, so every index ends in id.
const AUDIT_INDEXES = [
  ['audit_records_integration_id', 'integration_id'],
  ['audit_records_actor', 'actor'],
  ['audit_records_action', 'action'],
  ['audit_records_at', 'at'],
] as const;

const REFUSING_FUNCTION = 'audit_records_refuse_change';

/** Creates the tables, indexes and triggers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);
  await createIntegrations(db, engine);
  await createAuditRecords(db, engine);
  for (const [name, column] of AUDIT_INDEXES) {
    await db.schema.createIndex(name).on('audit_records').columns([column, 'id']).execute();
  }
  if (engine === 'postgres') await refuseAuditChangesOnPostgres(db);
  else await refuseAuditChangesOnSqlite(db);
}

/** Drops what up created, for a developer who must start over; the service never calls it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_records').execute();
  await db.schema.dropTable('integrations').execute();
  if (engineOf(db) === 'postgres')
    await sql`DROP FUNCTION ${sql.id(REFUSING_FUNCTION)}`.execute(db);
}

async function createIntegrations(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const text = textType(engine);
  await db.schema
    .createTable('integrations')
    .addColumn('id', text, (column) => column.primaryKey())
    .addColumn('status', text, (column) => column.notNull())
    .addColumn('ca_label', text, (column) => column.notNull())
    .addColumn('actor', text, (column) => column.notNull())
    .addColumn('request_id', text, (column) => column.notNull())
    .addColumn('created_at', text, (column) => column.notNull())
    .addColumn('updated_at', text, (column) => column.notNull())
    .addColumn('document', text, (column) => column.notNull())
    .execute();
}

async function createAuditRecords(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const text = textType(engine);
  // An id is never reused, so a cursor stays meaningful: AUTOINCREMENT rather than a bare rowid
  // on SQLite, an identity (64 bits: the trail only grows) on PostgreSQL.
  await db.schema
    .createTable('audit_records')
    .addColumn('id', engine === 'postgres' ? 'bigint' : 'integer', (column) =>
      engine === 'postgres'
        ? column.primaryKey().generatedAlwaysAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('at', text, (column) => column.notNull())
    .addColumn('action', text, (column) => column.notNull())
    .addColumn('actor', text, (column) => column.notNull())
    .addColumn('request_id', text, (column) => column.notNull())
    .addColumn('integration_id', text)
    .addColumn('details', text, (column) => column.notNull())
    .execute();
}

async function refuseAuditChangesOnSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TRIGGER audit_records_refuse_update BEFORE UPDATE ON audit_records
    BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END
  `.execute(db);
  await sql`
    CREATE TRIGGER audit_records_refuse_delete BEFORE DELETE ON audit_records
    BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END
  `.execute(db);
}

// PostgreSQL triggers call a function. TRUNCATE skips row triggers, so it gets its own.
async function refuseAuditChangesOnPostgres(db: Kysely<unknown>): Promise<void> {
  const refuse = sql.id(REFUSING_FUNCTION);
  await sql`
    CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_records is append-only' USING ERRCODE = 'restrict_violation';
    END
    $$
  `.execute(db);
  await sql`
    CREATE TRIGGER audit_records_refuse_change BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION ${refuse}()
  `.execute(db);
  await sql`
    CREATE TRIGGER audit_records_refuse_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION ${refuse}()
  `.execute(db);
}
