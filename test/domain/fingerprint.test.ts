import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintOf } from '../../src/domain/fingerprint.js';

describe('fingerprints of JSON values', () => {
  it('do not depend on the order of object keys, at any depth', () => {
    const one = { b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' } };
    const other = { a: { c: 'x', d: [1, { e: 3, f: 2 }] }, b: 1 };

    expect(canonicalJson(one)).toBe('{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}');
    expect(fingerprintOf(one)).toBe(fingerprintOf(other));
  });

  it('differ when a value, an array order or a key differs', () => {
    const base = fingerprintOf({ a: [1, 2], b: 'x' });

    expect(fingerprintOf({ a: [2, 1], b: 'x' })).not.toBe(base);
    expect(fingerprintOf({ a: [1, 2], b: 'y' })).not.toBe(base);
    expect(fingerprintOf({ a: [1, 2], c: 'x' })).not.toBe(base);
  });

  it('leave undefined members out, as JSON does', () => {
    expect(fingerprintOf({ a: 1, b: undefined })).toBe(fingerprintOf({ a: 1 }));
    expect(fingerprintOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
