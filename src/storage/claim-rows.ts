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

/** How often a start looks again when every claim that stopped it was let go meanwhile. */
const CLAIM_ROUNDS = 3;

/**
 * Claims each resource id for the integration. Returns the first claim, in the order given, that
 * another integration holds; undefined when all were claimed. The caller rolls back on a held one.
 */
export async function claimResources(
  db: Kysely<Database>,
  integrationId: string,
  claims: ResourceClaim[],
  claimedAt: string,
): Promise<HeldClaim | undefined> {
  // One order for every start: two starts that want the same ids then never wait on each other
  // in a cycle (PostgreSQL runs them side by side; SQLite one after the other).
  let pending = claims.toSorted(byKindAndId);
  for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
    const inserted = await insertClaims(db, integrationId, pending, claimedAt);
    pending = pending.filter((claim) => !inserted.has(claimKey(claim)));
    if (pending.length === 0) return undefined;

    const holders = await holdersOf(db, pending);
    const held = claims.find((claim) => holders.has(claimKey(claim)));
    const heldBy = held === undefined ? undefined : holders.get(claimKey(held));
    if (held !== undefined && heldBy !== undefined) return { claim: held, heldBy };
    // Every holder finished between the insert and the look-up: the ids are free, try again.
  }
  throw new Error('claims on resource ids kept changing hands; the start can be tried again');
}

/** Lets go of every claim the integration holds. */
export async function releaseClaims(db: Kysely<Database>, integrationId: string): Promise<void> {
  await db.deleteFrom('resource_claims').where('integration_id', '=', integrationId).execute();
}

// On PostgreSQL, a claim another start has inserted but not committed makes this wait for that
// start's end: then it is skipped if that start committed, and inserted if it rolled back.
async function insertClaims(
  db: Kysely<Database>,
  integrationId: string,
  claims: ResourceClaim[],
  claimedAt: string,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = claims.map((claim) => ({
    kind: claim.kind,
    resource_id: claim.id,
    integration_id: integrationId,
    claimed_at: claimedAt,
  }));
  const inserted = await db
    .insertInto('resource_claims')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['kind', 'resource_id']).doNothing())
    .returning(['kind', 'resource_id'])
    .execute();
  return new Set(inserted.map((row) => claimKey({ kind: row.kind, id: row.resource_id })));
}

async function holdersOf(
  db: Kysely<Database>,
  claims: ResourceClaim[],
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('resource_claims')
    .select(['kind', 'resource_id', 'integration_id'])
    .where((eb) =>
      eb.or(
        claims.map((claim) =>
          eb.and([eb('kind', '=', claim.kind), eb('resource_id', '=', claim.id)]),
        ),
      ),
    )
    .execute();
  const holders = new Map<string, string>();
  for (const row of rows) {
    holders.set(claimKey({ kind: row.kind, id: row.resource_id }), row.integration_id);
  }
  return holders;
}

function claimKey(claim: { kind: string; id: string }): string {
  return JSON.stringify([claim.kind, claim.id]);
}

function byKindAndId(a: ResourceClaim, b: ResourceClaim): number {
  const first = a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
  if (first !== 0) return first;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
