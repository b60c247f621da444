/**
 * Callers' idempotency keys. A key is as good as absent once it has expired: whoever meets an
 * expired one deletes it, and the purge removes the rest. A key is stored and looked up by its
 * digest only; the caller's key itself never reaches the database.
 */
import type { Kysely } from 'kysely';
import { idempotencyKeyDigest } from './idempotency-key-digest.js';
import type { Database, IdempotencyKeyRow } from './schema.js';
import type { Integration } from '../orchestration/integration.js';
import type { IdempotencyKey } from './store.js';

/** The caller's key if it is still live at `now`; an expired one is deleted on the way. */
export async function liveIdempotencyKey(
  db: Kysely<Database>,
  actor: string,
  key: string,
  now: string,
): Promise<IdempotencyKey | undefined> {
  const keyDigest = idempotencyKeyDigest(key);
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('actor', '=', actor)
    .where('key_digest', '=', keyDigest)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (row.expires_at > now) return toIdempotencyKey(row, key);

  await db
    .deleteFrom('idempotency_keys')
    .where('actor', '=', actor)
    .where('key_digest', '=', keyDigest)
    .execute();
  return undefined;
}

/**
 * Stores a key's digest unless the caller has that key already (the primary key is
 * (actor, key_digest));
 * whether it did. On PostgreSQL, a key another start has inserted but not committed makes this
 * wait for that start's end, and then answer false if it committed.
 */
export async function insertIdempotencyKey(
  db: Kysely<Database>,
  key: IdempotencyKey,
  createdAt: string,
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({
      actor: key.actor,
      key_digest: idempotencyKeyDigest(key.key),
      fingerprint: key.fingerprint,
      integration_id: key.integrationId,
      created_at: createdAt,
      expires_at: key.expiresAt,
    })
    .onConflict((conflict) => conflict.columns(['actor', 'key_digest']).doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows !== 0n;
}

/** Keeps the integration, as answered, with the key that started it (if there is one). */
export async function recordIdempotentAnswer(
  db: Kysely<Database>,
  integration: Integration,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ answer: JSON.stringify(integration) })
    .where('integration_id', '=', integration.id)
    .execute();
}

/** Forgets the key that started this integration, if there is one. */
export async function releaseIdempotencyKey(
  db: Kysely<Database>,
  integrationId: string,
): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('integration_id', '=', integrationId).execute();
}

/** Deletes the keys expired at `now`; how many. */
export async function deleteExpiredIdempotencyKeys(
  db: Kysely<Database>,
  now: string,
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// The row holds the key's digest only; `key` is the caller's key it was looked up by.
function toIdempotencyKey(row: IdempotencyKeyRow, key: string): IdempotencyKey {
  const found: IdempotencyKey = {
    actor: row.actor,
    key,
    fingerprint: row.fingerprint,
    integrationId: row.integration_id,
    expiresAt: row.expires_at,
  };
  if (row.answer !== null) found.answer = JSON.parse(row.answer) as Integration;
  return found;
}
