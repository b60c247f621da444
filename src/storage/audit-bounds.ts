/**
 * Puts a query's time bounds (the audit trail's, the integration list's) in the stored form, so
 * that comparing text compares instants: stored times are UTC ISO 8601 with exactly three
 * fraction digits.
 */
import { parseStorableTime } from './stored-time.js';

export { ISO_8601_PATTERN } from './stored-time.js';

/**
 * A bound as a stored time that selects the same records. Both bounds round up to the next
 * millisecond: at >= since and at < until hold for a whole-millisecond `at` exactly when they
 * hold against the rounded-up bound.
 */
export function toStoredBound(name: string, value: string): string {
  const millis = parseStorableTime(name, value);
  const beyondMillis = /\.\d{3}(\d+)/.exec(value)?.[1] ?? '';
  const roundUp = /[1-9]/.test(beyondMillis) ? 1 : 0;
  return new Date(millis + roundUp).toISOString();
}
