/**
 * A request URL as the service may repeat it (in an answer or a log line): its path and its query
 * are each checked for a private key however many times it was percent-encoded, and a part that
 * holds one is replaced whole. Replacing the whole part is what makes this robust: a key's body
 * cannot be told from the rest of a URL once its armor was cut off, quoted or mangled.
 */
import { PrivateKeyDetector } from './domain/private-key-detector.js';

/** What replaces a path or a query holding a private key. */
const REDACTED_PART = '[REDACTED]';

/**
 * How often a part is decoded at most. Each round removes one layer of percent-encoding; a URL of
 * a few kilobytes stops changing long before this, and the bound keeps the work per URL fixed.
 */
const MAX_DECODING_ROUNDS = 10;

/**
 * The URL with its path, its query, or both replaced by `[REDACTED]` where they hold a private
 * key: `/vault-integrations?[REDACTED]`, `/[REDACTED]`. Only the key's shape is looked for, never
 * a configured secret, so what this removes tells the sender nothing about the service's secrets.
 */
export function redactPrivateKeysInUrl(url: string): string {
  const detector = new PrivateKeyDetector();
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);

  const shownPath = partHoldsKey(path, detector) ? `/${REDACTED_PART}` : path;
  if (query === undefined) return shownPath;
  return `${shownPath}?${partHoldsKey(query, detector) ? REDACTED_PART : query}`;
}

/**
 * True when a part of a URL, or any of its decodings, holds a private key. Every layer is looked
 * at, not only the last: a layer may read as a key while a further decoding garbles it. `+` is
 * tried both as itself (base64 holds it) and as a space (a query encodes spaces so).
 */
function partHoldsKey(part: string, detector: PrivateKeyDetector): boolean {
  let decoded = part;
  for (let round = 0; round <= MAX_DECODING_ROUNDS; round += 1) {
    if (detector.holdsKey(decoded)) return true;
    if (decoded.includes('+') && detector.holdsKey(decoded.replace(/\+/g, ' '))) return true;
    const next = decodeLeniently(decoded);
    if (next === decoded) return false;
    decoded = next;
  }
  // Still changing after every round: too deeply encoded to tell, so it is not repeated.
  return true;
}

/**
 * Decodes percent escapes, keeping a malformed escape as it is and bytes not UTF-8 as U+FFFD.
 * `+` stays as it is: whether it means a space depends on where the text came from.
 */
export function decodeLeniently(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return Buffer.from(escapes.replace(/%/g, ''), 'hex').toString('utf8');
    }
  });
}
