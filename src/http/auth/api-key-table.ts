/**
 * The configured caller keys, kept only as SHA-256 digests whether they came in plain text
 * (API_KEYS) or hashed (API_KEYS_FILE). A presented key is hashed and compared with every digest
 * in constant time, so neither the answer's timing nor an early exit tells how close it came.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../../caller-settings.js';
import type { Caller } from './jwt-verifier.js';

/** Finds the caller a presented key belongs to, or undefined for an unknown key. */
export type ApiKeyTable = (presented: string) => Caller | undefined;

/** Compares two equal-length digests; crypto.timingSafeEqual unless a test watches the calls. */
export type DigestComparison = (known: Buffer, presented: Buffer) => boolean;

/** A lookup over the given keys. */
export function createApiKeyTable(
  keys: readonly ApiKey[],
  compare: DigestComparison = timingSafeEqual,
): ApiKeyTable {
  const known = keys.map(({ name, sha256, scopes }) => ({
    caller: { actor: name, scopes },
    digest: Buffer.from(sha256, 'hex'),
  }));
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: Caller | undefined;
    for (const candidate of known) {
      // Every digest is compared, even after a match.
      if (compare(candidate.digest, digest) && found === undefined) {
        found = candidate.caller;
      }
    }
    return found;
  };
}
