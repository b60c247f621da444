/**
 * The migrations, in code rather than found on disk, so they travel with the bundle and tsx alike.
 * Names sort in the order they run; a migration once shipped is never edited, only followed.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001_initial.js';
import * as recovery from './0002_recovery.js';
import * as idempotentAnswers from './0003_idempotent_answers.js';
import * as auditChain from './0004_audit_chain.js';
import * as lifecycle from './0005_lifecycle.js';
import * as idempotencyKeyDigests from './0006_idempotency_key_digests.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_recovery': recovery,
  '0003_idempotent_answers': idempotentAnswers,
  '0004_audit_chain': auditChain,
  '0005_lifecycle': lifecycle,
  '0006_idempotency_key_digests': idempotencyKeyDigests,
};

/** The names of every migration, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** Hands kysely's Migrator the migrations above. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
