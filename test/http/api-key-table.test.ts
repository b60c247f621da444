/**
 * The caller key lookup compares in constant time: a presented key is hashed to a fixed length
 * and compared with every configured digest by crypto.timingSafeEqual, whether and where it
 * matches, so neither the key's length nor how close it came changes the work done.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiKey } from '../../src/caller-settings.js';
import { createApiKeyTable } from '../../src/http/auth/api-key-table.js';

const keyOf = (name: string, key: string): ApiKey => ({
  name,
  sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
  scopes: ['integrations:read'],
});

const KEYS = [
  keyOf('first', 'first-key-0123456789'),
  keyOf('second', 'second-key-0123456789'),
  keyOf('third', 'third-key-0123456789'),
];

/** Presented keys: the case, the key, the caller it belongs to (none for an unknown key). */
const PRESENTED: [string, string, string | undefined][] = [
  ['the first key', 'first-key-0123456789', 'first'],
  ['the last key', 'third-key-0123456789', 'third'],
  ['a prefix of a key', 'first-key-01234', undefined],
  ['a key with one more character', 'third-key-0123456789!', undefined],
  ['a very long key', 'x'.repeat(10_000), undefined],
];

describe('the caller key table', () => {
  const compare = vi.fn(timingSafeEqual);
  const findKey = createApiKeyTable(KEYS, compare);

  beforeEach(() => {
    compare.mockClear();
  });

  it.each(PRESENTED)('compares %s with every 32-byte digest', (_case, presented, actor) => {
    const caller = findKey(presented);

    expect(caller?.actor).toBe(actor);
    expect(compare).toHaveBeenCalledTimes(KEYS.length);
    for (const [known, given] of compare.mock.calls) {
      expect([known.byteLength, given.byteLength]).toEqual([32, 32]);
    }
  });
});
