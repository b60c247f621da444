/**
 * Starting an integration: the caller's idempotency key, the claims on its TSM resource ids, the
 * integration with its lease, and the audit records, written together or not at all.
 */
import type { Kysely } from 'kysely';
import { insertAuditRows } from './audit-rows.js';
import { claimResources } from './claim-rows.js';
import { insertIdempotencyKey, liveIdempotencyKey } from './idempotency-rows.js';
import { insertIntegration } from './integration-rows.js';
import type { Database, NewAuditRow } from './schema.js';
import type { IntegrationStart, StartOutcome } from './store.js';

/** Thrown inside the start's transaction to undo what it wrote, carrying the answer. */
export class StartRefused extends Error {
  constructor(readonly outcome: StartOutcome) {
    super('the start was refused');
    this.name = 'StartRefused';
  }
}

/**
 * Runs the start in `trx` (a transaction) at `now`. Answers a live key's refusal having written
 * nothing; throws StartRefused for a held claim, after writes that the caller must roll back.
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

  // The claims refer to the integration's row, so it goes in first; a held claim undoes both.
  await insertIntegration(trx, state, start.lease);
  const held = await claimResources(trx, state.integration.id, start.claims, now);
  if (held !== undefined) throw new StartRefused({ started: false, reason: 'claimed', ...held });

  if (idempotencyKey !== undefined) await insertIdempotencyKey(trx, idempotencyKey, now);
  await insertAuditRows(trx, auditRows);
  return { started: true };
}
