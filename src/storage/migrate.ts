/**
 * Brings a database to the latest schema with kysely's Migrator, which records what ran in its
 * own table so that opening the same database again runs nothing twice. On PostgreSQL the
 * Migrator holds an advisory lock while it runs, so replicas starting at once migrate one by one
 * and the later ones find nothing left to do.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { migrationProvider } from './migrations/index.js';

/** The part of a pino logger the storage writes to. */
export type StorageLogger = Pick<Logger, 'info' | 'warn'>;

/** Where kysely keeps its record of the migrations. */
export interface MigrationOptions {
  /**
   * The schema of kysely's own tables (PostgreSQL). Without it, kysely looks for them in every
   * schema, and one found in another schema would pass for this one's.
   */
  migrationTableSchema?: string;
}

/** Runs every migration not yet applied, in name order; throws naming the one that failed. */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  logger?: Pick<StorageLogger, 'info'>,
  options: MigrationOptions = {},
): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...options });
  const { error, results = [] } = await migrator.migrateToLatest();

  for (const result of results) {
    if (result.status === 'Success') {
      logger?.info({ migration: result.migrationName }, 'database migration applied');
    }
  }
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? '(setup)'} failed`, { cause: error });
  }
}
