/**
 * Checks an audit query's limit and puts its time bounds in the stored form, so that comparing
 * text compares instants: stored times are UTC ISO 8601 with exactly three fraction digits.
 */
import type { AuditQuery } from './store.js';

/** The limits of one audit page. */
export const AUDIT_PAGE_LIMIT = { min: 1, max: 500 } as const;

/** A date, or a date-time with a zone: a time without a zone would depend on the host's. */
export const ISO_8601_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const ISO_8601 = new RegExp(ISO_8601_PATTERN);

/** Stored times are four-digit years; a bound past them would compare wrongly as text. */
const LAST_STORABLE_MILLIS = Date.parse('9999-12-31T23:59:59.999Z');

/** Throws a RangeError unless the page size is an integer within AUDIT_PAGE_LIMIT. */
export function checkAuditLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < AUDIT_PAGE_LIMIT.min || limit > AUDIT_PAGE_LIMIT.max) {
    throw new RangeError(
      `limit must be an integer from ${AUDIT_PAGE_LIMIT.min} to ${AUDIT_PAGE_LIMIT.max}`,
    );
  }
}

/**
 * A bound as a stored time that selects the same records. Both bounds round up to the next
 * millisecond: at >= since and at < until hold for a whole-millisecond `at` exactly when they
 * hold against the rounded-up bound.
 */
export function toStoredBound(
  name: keyof Pick<AuditQuery, 'since' | 'until'>,
  value: string,
): string {
  const millis = Date.parse(value);
  if (!ISO_8601.test(value) || Number.isNaN(millis) || millis > LAST_STORABLE_MILLIS) {
    throw new RangeError(`${name} must be an ISO 8601 date or date-time with a time zone`);
  }
  const beyondMillis = /\.\d{3}(\d+)/.exec(value)?.[1] ?? '';
  const roundUp = /[1-9]/.test(beyondMillis) ? 1 : 0;
  return new Date(millis + roundUp).toISOString();
}
