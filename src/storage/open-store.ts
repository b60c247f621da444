/**
 * Opens the store DATABASE_URL names: the engine behind it, migrated to the latest schema.
 */
import type { Kysely } from 'kysely';
import { resolveDatabaseLocation } from './database-location.js';
import { KyselyStore, type Clock } from './kysely-store.js';
import { migrateToLatest, type StorageLogger } from './migrate.js';
import {
  DEFAULT_POSTGRES_SETTINGS,
  migratePostgresDatabase,
  openPostgresDatabase,
  type PostgresSettings,
} from './postgres-database.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite-database.js';
import type { Store } from './store.js';

/** How to open a store. */
export interface OpenStoreOptions {
  /** Receives one info line per migration applied, and a warning per database connection lost. */
  logger?: StorageLogger;
  /**
   * The clock that decides "now" where a call is given no time: audit stamps, whether a key has
   * expired at a start, when a released lease ends. The system clock by default.
   */
  now?: Clock;
  /** PostgreSQL's pool and timeouts (DEFAULT_POSTGRES_SETTINGS where not given); SQLite's none. */
  postgres?: Partial<PostgresSettings>;
  /** SQLite: create the file's missing folder (the default location only); refuse otherwise. */
  createSqliteFolder?: boolean;
}

/**
 * Opens a PostgreSQL database (a postgres: or postgresql: URL) or a SQLite file (a path, a file:
 * URL, or ':memory:' for tests), and runs the migrations it lacks.
 */
export async function openStore(
  databaseUrl: string,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const location = resolveDatabaseLocation(databaseUrl);
  const db =
    location.engine === 'postgres'
      ? await openPostgres(location.connectionString, options)
      : await openSqlite(location.filename, options);
  return new KyselyStore(db, options.now);
}

async function openPostgres(
  connectionString: string,
  options: OpenStoreOptions,
): Promise<Kysely<Database>> {
  const settings = settingsOf(options.postgres);
  await migratePostgresDatabase(connectionString, settings, options.logger);
  return openPostgresDatabase(connectionString, settings, options.logger);
}

async function openSqlite(filename: string, options: OpenStoreOptions): Promise<Kysely<Database>> {
  const db = openSqliteDatabase(filename, { createFolder: options.createSqliteFolder });
  try {
    await migrateToLatest(db, options.logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

function settingsOf(given: Partial<PostgresSettings> = {}): PostgresSettings {
  const defaults = DEFAULT_POSTGRES_SETTINGS;
  return {
    poolMax: given.poolMax ?? defaults.poolMax,
    statementTimeoutMs: given.statementTimeoutMs ?? defaults.statementTimeoutMs,
    connectionTimeoutMs: given.connectionTimeoutMs ?? defaults.connectionTimeoutMs,
  };
}
