/**
 * The claims on TSM resource ids and the callers' idempotency keys of the in-memory store, kept
 * by the same rules as the SQLite store's tables: one holder per (kind, id), one key per
 * (actor, key), and an expired key as good as absent.
 */
import type { Integration } from '../../src/orchestration/integration.js';
import type {
  IdempotencyKey,
  ResourceClaim,
  Settlement,
  StartOutcome,
} from '../../src/storage/store.js';

/** A claim with the integration that holds it. */
export type HeldClaim = ResourceClaim & { integrationId: string };

/** Claims and keys held in memory. */
export class MemoryClaimsAndKeys {
  private readonly claims = new Map<string, HeldClaim>();
  private readonly keys = new Map<string, IdempotencyKey>();

  /** Why a start may not go on at `now`, if it may not: a live key, or the first held claim. */
  refusal(
    claims: ResourceClaim[],
    key: IdempotencyKey | undefined,
    now: string,
  ): StartOutcome | undefined {
    const existing = key && this.keys.get(keyName(key));
    if (existing !== undefined && existing.expiresAt > now) {
      return { started: false, reason: 'idempotency-key', existing: { ...existing } };
    }
    for (const claim of claims) {
      const holder = this.claims.get(claimName(claim));
      if (holder !== undefined) {
        return {
          started: false,
          reason: 'claimed',
          claim: { ...claim },
          heldBy: holder.integrationId,
        };
      }
    }
    return undefined;
  }

  /** Takes the claims and the key (replacing an expired one) for the integration. */
  hold(integrationId: string, claims: ResourceClaim[], key: IdempotencyKey | undefined): void {
    for (const claim of claims) this.claims.set(claimName(claim), { ...claim, integrationId });
    if (key !== undefined) this.keys.set(keyName(key), { ...key });
  }

  /**
   * Lets go of what the settlement releases of the integration's claims and key, or keeps the
   * integration as answered with its key.
   */
  release(integration: Integration, settlement: Settlement): void {
    const held = (entry: { integrationId: string }) => entry.integrationId === integration.id;
    if (settlement.releaseClaims) deleteWhere(this.claims, held);
    if (settlement.releaseIdempotencyKey) deleteWhere(this.keys, held);
    else if (settlement.recordAnswer === true) {
      for (const key of this.keys.values()) {
        if (held(key)) key.answer = structuredClone(integration);
      }
    }
  }

  /** Deletes the keys expired at `now`; how many. */
  purge(now: string): number {
    return deleteWhere(this.keys, (key) => key.expiresAt <= now);
  }

  /** Every claim held, in the order they were made. */
  heldClaims(): HeldClaim[] {
    return structuredClone([...this.claims.values()]);
  }
}

function claimName(claim: ResourceClaim): string {
  return JSON.stringify([claim.kind, claim.id]);
}

function keyName(key: IdempotencyKey): string {
  return JSON.stringify([key.actor, key.key]);
}

function deleteWhere<T>(map: Map<string, T>, doomed: (value: T) => boolean): number {
  let deleted = 0;
  for (const [name, value] of map) {
    if (doomed(value)) deleted += Number(map.delete(name));
  }
  return deleted;
}
