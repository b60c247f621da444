/**
 * What callers hand the store, checked and put in the stored form before anything is written,
 * so that every engine compares times as instants and refuses the same malformed ones.
 */
import { toStoredTime } from './stored-time.js';
import type { IntegrationStart, Lease, ResourceClaim, Settlement } from './store.js';

/**
 * The start with its lease and key expiries in stored form (RangeError for a malformed one),
 * and each resource id claimed once.
 */
export function storedStart(start: IntegrationStart): IntegrationStart {
  const stored = {
    ...start,
    lease: storedLease(start.lease),
    claims: distinctClaims(start.claims),
  };
  const { idempotencyKey } = start;
  if (idempotencyKey === undefined) return stored;
  const expiresAt = toStoredTime('idempotencyKey.expiresAt', idempotencyKey.expiresAt);
  return { ...stored, idempotencyKey: { ...idempotencyKey, expiresAt } };
}

/** The lease with its expiry in stored form; RangeError for a malformed one. */
export function storedLease(lease: Lease): Lease {
  return { owner: lease.owner, expiresAt: toStoredTime('lease.expiresAt', lease.expiresAt) };
}

/**
 * The lease recovery takes over with, in stored form. RangeError unless it runs past `now`: a
 * lease already over would let a second recoverer take the same integrations.
 */
export function storedRecoveryLease(lease: Lease, now: string): Lease {
  const stored = storedLease(lease);
  if (stored.expiresAt <= now) throw new RangeError('lease.expiresAt must be later than now');
  return stored;
}

/** The retry time of a settlement in stored form, or null for none. */
export function storedRetryTime(settlement: Settlement): string | null {
  const { retryRecoveryAt } = settlement;
  return retryRecoveryAt === undefined ? null : toStoredTime('retryRecoveryAt', retryRecoveryAt);
}

/** Each claim once: one listed twice would meet itself in the claims table and refuse itself. */
export function distinctClaims(claims: ResourceClaim[]): ResourceClaim[] {
  const seen = new Set<string>();
  return claims.filter((claim) => {
    const key = JSON.stringify([claim.kind, claim.id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
