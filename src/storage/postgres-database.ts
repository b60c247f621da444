/**
 * Opens a PostgreSQL database as a kysely database: a pool of connections with the limits the
 * configuration sets, and the settings the store relies on.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DatabaseSetupError } from './database-setup-error.js';
import { migrateToLatest, type StorageLogger } from './migrate.js';
import type { Database } from './schema.js';

/** How the store uses PostgreSQL: connections, and how long it waits for them and for answers. */
export interface PostgresSettings {
  /** Most connections the pool opens. */
  poolMax: number;
  /** Longest a statement may run, or a transaction sit idle, before the server ends it. */
  statementTimeoutMs: number;
  /** Longest the pool waits for a new connection (and for a free one, when all are busy). */
  connectionTimeoutMs: number;
}

/** The settings when none are given: the configuration's defaults. */
export const DEFAULT_POSTGRES_SETTINGS: PostgresSettings = {
  poolMax: 10,
  statementTimeoutMs: 5_000,
  connectionTimeoutMs: 5_000,
};

/** Shown in pg_stat_activity, unless the URL names another application_name. */
const APPLICATION_NAME = 'tsm-vault-integrations';

/**
 * A kysely database on a pool of connections to `connectionString`. No connection opens until
 * the first query. A connection the server drops (a restart, a terminated backend) is replaced
 * by a new one on the next query, so the service outlives a database restart.
 */
export function openPostgresDatabase(
  connectionString: string,
  settings: PostgresSettings,
  logger?: Pick<StorageLogger, 'warn'>,
): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    application_name: APPLICATION_NAME,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // A transaction left open (a stalled replica) would hold its row locks, and so the claims and
    // keys other replicas wait for; the store's transactions never pause between statements.
    idle_in_transaction_session_timeout: settings.statementTimeoutMs,
    // Probes an idle connection after 10 s of silence, so one a vanished server left open is
    // found dead by the operating system rather than by the next query.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: storeTypes(),
  });
  // The pool reports a dropped idle connection here, and discards it; without a listener, the
  // event would end the process. Only the message: the error carries the client and its password.
  pool.on('error', (error: Error & { code?: string }) => {
    logger?.warn({ error: error.message, code: error.code }, 'database connection lost');
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Runs the migrations the database lacks, in the schema the connection's search_path puts first,
 * on a connection of its own without the statement timeout: a migration, or the wait for another
 * replica's to finish, may take longer than any statement of the service.
 */
export async function migratePostgresDatabase(
  connectionString: string,
  settings: PostgresSettings,
  logger?: Pick<StorageLogger, 'info'>,
): Promise<void> {
  const pool = new pg.Pool({
    connectionString,
    application_name: APPLICATION_NAME,
    max: 1,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
  });
  // Its one connection is in use throughout, so a drop surfaces as the migration's own error.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const schema = await currentSchema(db);
    await migrateToLatest(db, logger, { migrationTableSchema: schema });
  } finally {
    await db.destroy();
  }
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const query = sql<{ schema: string | null }>`select current_schema() as schema`;
  let schema: string | null | undefined;
  try {
    schema = (await query.execute(db)).rows[0]?.schema;
  } catch (error) {
    // pg's messages name the host and the user at most, never the password.
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseSetupError(`DATABASE_URL: no connection to PostgreSQL (${reason})`, {
      cause: error,
    });
  }
  if (typeof schema !== 'string') {
    throw new DatabaseSetupError(
      'DATABASE_URL: no schema of the search_path exists; create it first (CREATE SCHEMA).',
    );
  }
  return schema;
}

// Audit ids are 64-bit (bigint); pg reads those as text to be safe beyond 2^53, which the trail
// never reaches, and the store's types and cursors take numbers.
function storeTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}
