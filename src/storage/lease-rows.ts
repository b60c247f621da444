/**
 * Leases on integrations: renewing and giving one up, and recovery taking over the integrations
 * whose runner is gone. Each write is one guarded UPDATE, so that of two runners (or two
 * recoverers) racing for one integration, exactly one wins.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { IntegrationStatus } from '../orchestration/integration.js';
import { toState } from './integration-rows.js';
import type { Database } from './schema.js';
import type { Lease, RecoveryCandidate } from './store.js';

const UNFINISHED: IntegrationStatus[] = ['in_progress', 'rolling_back', 'deleting'];
const RETRIED: IntegrationStatus = 'rollback_failed';

/** Moves the lease's expiry while `owner` holds it; false when it does not. */
export async function extendLease(
  db: Kysely<Database>,
  integrationId: string,
  owner: string,
  expiresAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('integrations')
    .set({ lease_expires_at: expiresAt })
    .where('id', '=', integrationId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends `owner`'s lease at `now`, if it holds one that runs longer; otherwise changes nothing. */
export async function expireLease(
  db: Kysely<Database>,
  integrationId: string,
  owner: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ lease_expires_at: now })
    .where('id', '=', integrationId)
    .where('lease_owner', '=', owner)
    .where('lease_expires_at', '>', now)
    .execute();
}

/** Takes up to `limit` integrations that need recovery at `now`, oldest first, for `lease`. */
export async function takeOver(
  db: Kysely<Database>,
  lease: Lease,
  now: string,
  limit: number,
): Promise<RecoveryCandidate[]> {
  const candidates = await db
    .selectFrom('integrations')
    .select('id')
    .where(needsRecovery(now))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();

  const taken: RecoveryCandidate[] = [];
  for (const { id } of candidates) {
    const candidate = await takeOne(db, id, lease, now);
    if (candidate !== undefined) taken.push(candidate);
  }
  return taken;
}

// The guard repeats the selection: another recoverer may have taken the integration since.
async function takeOne(
  db: Kysely<Database>,
  id: string,
  lease: Lease,
  now: string,
): Promise<RecoveryCandidate | undefined> {
  const row = await db
    .updateTable('integrations')
    .set((eb) => ({
      lease_owner: lease.owner,
      lease_expires_at: lease.expiresAt,
      recovery_attempts: eb('recovery_attempts', '+', 1),
    }))
    .where('id', '=', id)
    .where(needsRecovery(now))
    .returning(['document', 'journal', 'recovery_attempts'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { state: toState(row), recoveryAttempts: row.recovery_attempts - 1 };
}

/** Unfinished with no live lease, or rollback_failed, due for a retry and with no live lease. */
function needsRecovery(now: string) {
  return (eb: ExpressionBuilder<Database, 'integrations'>) => {
    const noLiveLease = eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<=', now)]);
    return eb.or([
      eb.and([eb('status', 'in', UNFINISHED), noLiveLease]),
      eb.and([eb('status', '=', RETRIED), eb('retry_recovery_at', '<=', now), noLiveLease]),
    ]);
  };
}
