/**
 * Claims on TSM resource ids. The primary key (kind, resource_id) is the guard: of two
 * integrations that claim one id, in one process or in two, the database lets exactly one in.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ResourceClaim } from './store.js';

/** A claim that another integration holds. */
export interface HeldClaim {
  claim: ResourceClaim;
  heldBy: string;
}

/**
 * Claims each resource id for the integration, stopping at the first one already held, which it
 * returns; undefined when all were claimed. The caller rolls back on a held one.
 */
export async function claimResources(
  db: Kysely<Database>,
  integrationId: string,
  claims: ResourceClaim[],
  claimedAt: string,
): Promise<HeldClaim | undefined> {
  for (const claim of claims) {
    const result = await db
      .insertInto('resource_claims')
      .values({
        kind: claim.kind,
        resource_id: claim.id,
        integration_id: integrationId,
        claimed_at: claimedAt,
      })
      .onConflict((conflict) => conflict.columns(['kind', 'resource_id']).doNothing())
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 0n) return { claim, heldBy: await holderOf(db, claim) };
  }
  return undefined;
}

/** Lets go of every claim the integration holds. */
export async function releaseClaims(db: Kysely<Database>, integrationId: string): Promise<void> {
  await db.deleteFrom('resource_claims').where('integration_id', '=', integrationId).execute();
}

async function holderOf(db: Kysely<Database>, claim: ResourceClaim): Promise<string> {
  const row = await db
    .selectFrom('resource_claims')
    .select('integration_id')
    .where('kind', '=', claim.kind)
    .where('resource_id', '=', claim.id)
    .executeTakeFirstOrThrow();
  return row.integration_id;
}
