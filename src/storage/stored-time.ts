/**
 * Times as the store keeps them: UTC ISO 8601 with exactly three fraction digits, so that
 * comparing the text in SQL compares the instants.
 */

/** A date, or a date-time with a zone: a time without a zone would depend on the host's. */
export const ISO_8601_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const ISO_8601 = new RegExp(ISO_8601_PATTERN);

/** Stored times are four-digit years; a time past them would compare wrongly as text. */
const LAST_STORABLE_MILLIS = Date.parse('9999-12-31T23:59:59.999Z');

/** The instant `value` names, in milliseconds; a RangeError naming `name` when it names none. */
export function parseStorableTime(name: string, value: string): number {
  const millis = Date.parse(value);
  if (!ISO_8601.test(value) || Number.isNaN(millis) || millis > LAST_STORABLE_MILLIS) {
    throw new RangeError(`${name} must be an ISO 8601 date or date-time with a time zone`);
  }
  return millis;
}

/** `value` in the stored form (below a millisecond is dropped); RangeError when it is no time. */
export function toStoredTime(name: string, value: string): string {
  return new Date(parseStorableTime(name, value)).toISOString();
}
