/**
 * Opens the store DATABASE_URL names: the engine behind it, migrated to the latest schema.
 */
import { resolveDatabaseLocation } from './database-location.js';
import { KyselyStore, type Clock } from './kysely-store.js';
import { migrateToLatest, type StorageLogger } from './migrate.js';
import { openSqliteDatabase } from './sqlite-database.js';
import type { Store } from './store.js';

/** How to open a store. */
export interface OpenStoreOptions {
  /** Receives one info line per migration applied. */
  logger?: StorageLogger;
  /**
   * The clock that decides "now" where a call is given no time: audit stamps, whether a key has
   * expired at a start, when a released lease ends. The system clock by default.
   */
  now?: Clock;
}

/**
 * Opens a SQLite file (a path, a file: URL, or ':memory:' for tests), creating its folder, and
 * runs the migrations it lacks. PostgreSQL URLs are refused until that engine is built.
 */
export async function openStore(
  databaseUrl: string,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const location = resolveDatabaseLocation(databaseUrl);
  const db = openSqliteDatabase(location.filename);
  try {
    await migrateToLatest(db, options.logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, options.now);
}
