/**
 * The migrations, in code rather than found on disk, so they travel with the bundle and tsx alike.
 * Names sort in the order they run; a migration once shipped is never edited, only followed.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001_initial.js';
import * as recovery from './0002_recovery.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_recovery': recovery,
};

/** Hands kysely's Migrator the migrations above. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
