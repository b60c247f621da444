/**
 * Starting an integration: the caller's idempotency key, the claims on its TSM resource ids, the
 * integration with its lease, and the audit records, written together or not at all.
 */
import type { Kysely } from 'kysely';
import { appendChainedRows } from './audit-chain-rows.js';
import { claimResources } from './claim-rows.js';
import { insertIdempotencyKey, liveIdempotencyKey } from './idempotency-rows.js';
import { insertIntegration } from './integration-rows.js';
import type { Database, NewAuditRow } from './schema.js';
import type { IdempotencyKey, IntegrationStart, StartOutcome } from './store.js';

/** How often a start looks again when the key that stopped its insert was gone meanwhile. */
const KEY_ROUNDS = 3;

/** Thrown inside the start's transaction to undo what it wrote, carrying the answer. */
export class StartRefused extends Error {
  constructor(readonly outcome: StartOutcome) {
    super('the start was refused');
    this.name = 'StartRefused';
  }
}

/**
 * Runs the start in `trx` (a transaction) at `now`. Answers a live key's refusal having written
 * nothing; throws StartRefused for a key taken meanwhile or a held claim, after writes that the
 * caller must roll back.
 */
export async function startInTransaction(
  trx: Kysely<Database>,
  start: IntegrationStart,
  auditRows: NewAuditRow[],
  now: string,
): Promise<StartOutcome> {
  const { state, idempotencyKey } = start;
  if (idempotencyKey !== undefined) {
    const { actor, key } = idempotencyKey;
    const existing = await liveIdempotencyKey(trx, actor, key, now);
    if (existing !== undefined) return { started: false, reason: 'idempotency-key', existing };
  }

  // The key and the claims refer to the integration's row, so it goes in first. The key goes in
  // before the claims: two starts of one request under one key, running side by side, then
  // meet at the key, and the second answers with the first's integration, not with its claims.
  await insertIntegration(trx, state, start.lease);
  if (idempotencyKey !== undefined) {
    const existing = await takeIdempotencyKey(trx, idempotencyKey, now);
    if (existing !== undefined) {
      throw new StartRefused({ started: false, reason: 'idempotency-key', existing });
    }
  }
  const held = await claimResources(trx, state.integration.id, start.claims, now);
  if (held !== undefined) throw new StartRefused({ started: false, reason: 'claimed', ...held });

  // Last, so that the chain head stays locked only from here to the commit.
  await appendChainedRows(trx, auditRows);
  return { started: true };
}

/**
 * Stores the key; when another start stored it first (committed after this one's check), the
 * live key that start holds. A key that expired or was released meanwhile is taken again.
 */
async function takeIdempotencyKey(
  trx: Kysely<Database>,
  key: IdempotencyKey,
  now: string,
): Promise<IdempotencyKey | undefined> {
  for (let round = 0; round < KEY_ROUNDS; round += 1) {
    if (await insertIdempotencyKey(trx, key, now)) return undefined;
    const existing = await liveIdempotencyKey(trx, key.actor, key.key, now);
    if (existing !== undefined) return existing;
  }
  throw new Error('an idempotency key kept changing hands; the start can be tried again');
}
