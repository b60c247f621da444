/**
 * Brings a database to the latest schema with kysely's Migrator, which records what ran in its
 * own table so that opening the same file again runs nothing twice.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { migrationProvider } from './migrations/index.js';

/** The part of a pino logger the storage writes to. */
export type StorageLogger = Pick<Logger, 'info'>;

/** Runs every migration not yet applied, in name order; throws naming the one that failed. */
export async function migrateToLatest<DB>(db: Kysely<DB>, logger?: StorageLogger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
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
