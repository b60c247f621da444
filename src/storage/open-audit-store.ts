/**
 * Opens the store DATABASE_URL names for reading the audit trail only: it never creates a
 * database or runs a migration, so a mistyped URL or an empty schema is reported, not "verified".
 */
import { existsSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { resolveDatabaseLocation, type DatabaseLocation } from './database-location.js';
import { KyselyStore } from './kysely-store.js';
import { DEFAULT_POSTGRES_SETTINGS, openPostgresDatabase } from './postgres-database.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite-database.js';
import type { Store } from './store.js';

/** The migration that gives the audit trail its hash chain; the verifier needs nothing later. */
const AUDIT_CHAIN_MIGRATION = '0004_audit_chain';

/** Why the trail cannot be read: the message says what to do. */
export class AuditStoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditStoreUnavailable';
  }
}

/** Opens an existing, chain-migrated database; throws AuditStoreUnavailable otherwise. */
export async function openAuditStore(databaseUrl: string): Promise<Store> {
  const location = resolveDatabaseLocation(databaseUrl);
  let db: Kysely<Database>;
  if (location.engine === 'postgres') {
    db = openPostgresDatabase(location.connectionString, {
      ...DEFAULT_POSTGRES_SETTINGS,
      poolMax: 1,
    });
  } else {
    if (location.filename === ':memory:') {
      throw new AuditStoreUnavailable(
        'DATABASE_URL: an in-memory database has no trail to verify.',
      );
    }
    if (!existsSync(location.filename)) {
      throw new AuditStoreUnavailable(
        `DATABASE_URL: the SQLite file ${location.filename} does not exist; check the path.`,
      );
    }
    db = openSqliteDatabase(location.filename, { readonly: true });
  }
  try {
    await requireAuditChain(db, location.engine);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db);
}

async function requireAuditChain(
  db: Kysely<Database>,
  engine: DatabaseLocation['engine'],
): Promise<void> {
  const applied = await appliedMigrations(db, engine);
  if (applied.length === 0) {
    throw new AuditStoreUnavailable(
      'DATABASE_URL: the database holds no audit trail (the service has never run on it); ' +
        'check DATABASE_URL.',
    );
  }
  if (!applied.includes(AUDIT_CHAIN_MIGRATION)) {
    throw new AuditStoreUnavailable(
      'DATABASE_URL: the database predates the audit hash chain; ' +
        'run the service once to migrate it, then verify.',
    );
  }
}

// kysely's record of the migrations, in the schema the connection works in (PostgreSQL: not one
// found further along the search_path, which would pass another schema's trail for this one's).
async function appliedMigrations(
  db: Kysely<Database>,
  engine: DatabaseLocation['engine'],
): Promise<string[]> {
  if (engine === 'sqlite') {
    const table = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(
      db,
    );
    if (table.rows.length === 0) return [];
    return namesOf(await sql<{ name: string }>`select name from kysely_migration`.execute(db));
  }
  let schema: string | null | undefined;
  try {
    const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
      db,
    );
    schema = current.rows[0]?.schema;
  } catch (error) {
    // pg's messages name the host and the user at most, never the password.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuditStoreUnavailable(`DATABASE_URL: no connection to PostgreSQL (${reason})`);
  }
  if (typeof schema !== 'string') return [];
  const table = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema} and table_name = 'kysely_migration'`.execute(db);
  if (table.rows.length === 0) return [];
  return namesOf(
    await sql<{
      name: string;
    }>`select name from ${sql.table(`${schema}.kysely_migration`)}`.execute(db),
  );
}

function namesOf(result: { rows: { name: string }[] }): string[] {
  return result.rows.map((row) => row.name);
}
