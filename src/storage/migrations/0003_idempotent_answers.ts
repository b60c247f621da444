/**
 * The answer a caller got, kept with its idempotency key: a retry under the same key replays
 * that answer even after recovery has changed the integration since (a failed rollback it
 * cleaned up later).
 */
import type { Kysely } from 'kysely';
import { engineOf, textType } from './engine.js';

/** Adds the answered integration (JSON text, absent until the integration has answered). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('answer', textType(engineOf(db)))
    .execute();
}

/** Drops the column again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('answer').execute();
}
