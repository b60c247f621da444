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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant `value` names, in milliseconds; a RangeError naming `name` when it names none. */
export function parseStorableTime(name: string, value: string): number {
  const millis = Date.parse(value);
  if (!ISO_8601.test(value) || Number.isNaN(millis) || millis > LAST_STORABLE_MILLIS) {
    throw new RangeError(`${name} must be an ISO 8601 date or date-time with a time zone`);
  }
  checkCalendarDay(name, value);
  return millis;
}

/**
 * Date.parse rolls a day the month does not have over into the next month (2026-02-31 becomes
 * March 3), so a bound would silently select other records than the caller asked for.
 */
function checkCalendarDay(name: string, value: string): void {
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day < 1 || day > days) {
    throw new RangeError(
      `${name} must be an ISO 8601 date or date-time with a time zone, on a day of the ` +
        `calendar: month ${month} of ${year} has ${days} days`,
    );
  }
}

/** `value` in the stored form (below a millisecond is dropped); RangeError when it is no time. */
export function toStoredTime(name: string, value: string): string {
  return new Date(parseStorableTime(name, value)).toISOString();
}
