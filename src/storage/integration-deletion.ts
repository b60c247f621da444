/**
 * Starting the deletion of an integration: its move to the status deleting, the claims on the ids
 * it removes, its lease and audit records, written together or not at all. The guard on the
 * status read beforehand makes two DELETEs of one integration start one deletion.
 */
import type { Kysely } from 'kysely';
import { appendChainedRows } from './audit-chain-rows.js';
import { claimResources } from './claim-rows.js';
import { toStateColumns } from './integration-rows.js';
import type { Database, NewAuditRow } from './schema.js';
import type { DeletionStart, DeletionStartOutcome } from './store.js';

/** Thrown inside the deletion's transaction to undo what it wrote, carrying the answer. */
export class DeletionRefused extends Error {
  constructor(readonly outcome: DeletionStartOutcome) {
    super('the deletion was refused');
    this.name = 'DeletionRefused';
  }
}

/**
 * Runs the start of a deletion in `trx` (a transaction) at `now`; throws DeletionRefused after
 * writes the caller must roll back.
 */
export async function startDeletionInTransaction(
  trx: Kysely<Database>,
  start: DeletionStart,
  auditRows: NewAuditRow[],
  now: string,
): Promise<DeletionStartOutcome> {
  const { id, ...columns } = toStateColumns(start.state);
  const result = await trx
    .updateTable('integrations')
    .set({
      ...columns,
      lease_owner: start.lease.owner,
      lease_expires_at: start.lease.expiresAt,
      retry_recovery_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', start.expectedStatus)
    .where('lease_owner', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return { started: false, reason: 'changed' };

  const held = await claimResources(trx, id, start.claims, now);
  if (held !== undefined) throw new DeletionRefused({ started: false, reason: 'claimed', ...held });

  // Last write of the transaction: the audit chain's head is locked only from here to commit.
  await appendChainedRows(trx, auditRows);
  return { started: true };
}
