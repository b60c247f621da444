/**
 * The Retry-After header (RFC 9110 §10.2.3): a number of seconds or an HTTP date. A value that is
 * neither is ignored, so a garbled header falls back to the ordinary backoff.
 */

const DELAY_SECONDS = /^\s*(\d+)\s*$/;
// All three HTTP date forms open with the day's name; Date.parse alone would take "-5" as a year.
const HTTP_DATE = /^\s*[A-Za-z]{3,9}[, ]/;

/** Milliseconds to wait as the header asks, counted from `now`; undefined when none is asked. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;

  const seconds = DELAY_SECONDS.exec(value);
  if (seconds?.[1] !== undefined) return Number(seconds[1]) * 1000;

  const date = HTTP_DATE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
