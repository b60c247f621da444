/**
 * Idempotency keys are kept as digests: the column `key` becomes `key_digest`, and every key
 * already stored is replaced by its digest, computed here exactly as the store computes it for a
 * new key. A retry with a key issued before the upgrade therefore still finds its row and replays.
 * Until this migration the caller's key was stored as sent, and a caller may send anything.
 */
import { sql, type Kysely } from 'kysely';
import { idempotencyKeyDigest } from '../idempotency-key-digest.js';
import { engineOf } from './engine.js';

/** The table as this migration sees it, whatever later migrations add. */
interface KeyTables {
  idempotency_keys: { actor: string; key_digest: string };
}

/** Renames the column and replaces each stored key by its digest. */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<KeyTables>;
  // kysely runs PostgreSQL's migrations in a transaction but not SQLite's; a conversion cut short
  // must not leave some keys as digests and others as sent, under a name that says digest.
  if (engineOf(untyped) === 'postgres') {
    await digestStoredKeys(db);
    return;
  }
  // SQLite leaves a changed row's old bytes in the free space of its page (and of its primary
  // key's index) until something reuses it: the keys would still be in the file, for anyone
  // who reads its bytes. secure_delete makes it zero them as it frees them.
  const [previous] = (await sql<{ secure_delete: number }>`PRAGMA secure_delete`.execute(db)).rows;
  await sql`PRAGMA secure_delete = ON`.execute(db);
  try {
    await db.transaction().execute(digestStoredKeys);
  } finally {
    await sql
      .raw(`PRAGMA secure_delete = ${previous?.secure_delete === 1 ? 'ON' : 'OFF'}`)
      .execute(db);
  }
}

async function digestStoredKeys(db: Kysely<KeyTables>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').renameColumn('key', 'key_digest').execute();
  // Every row is read before any is changed: a key is part of the primary key, so walking the
  // table in key order while rewriting keys could meet a row twice. Keys expire (24 h by
  // default) and are purged, so the table holds a day's creates at most.
  const stored = await db.selectFrom('idempotency_keys').select(['actor', 'key_digest']).execute();
  for (const { actor, key_digest: key } of stored) {
    await db
      .updateTable('idempotency_keys')
      .set({ key_digest: idempotencyKeyDigest(key) })
      .where('actor', '=', actor)
      .where('key_digest', '=', key)
      .execute();
  }
}

/**
 * Renames the column back, for a developer who must start over; the service never calls it. The
 * keys stay digests: a digest cannot be turned back into its key.
 */
export async function down(untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema.alterTable('idempotency_keys').renameColumn('key_digest', 'key').execute();
}
