/**
 * What the store keeps of a caller's Idempotency-Key: its SHA-256, never the key itself. A caller
 * may send anything visible as a key, its own caller key or a line of a private key pasted by
 * mistake among them, and the store only ever compares keys for equality, which a digest serves
 * as well. Migration 0006 turned the keys stored before it into these digests.
 */
import { createHash } from 'node:crypto';

/** The digest stored for `key`: SHA-256 of its UTF-8 bytes, lowercase hex (64 characters). */
export function idempotencyKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
