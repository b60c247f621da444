import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/tsm/retry-after.js';

describe('Retry-After', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('reads seconds and HTTP dates, and a past date as no wait', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:00:09 GMT', now)).toBe(9_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Tuesday, 01-Jan-30 12:00:05 GMT', now)).toBe(5_000);
  });

  it('ignores a value that is neither', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
