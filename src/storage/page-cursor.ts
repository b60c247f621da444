/**
 * Opaque page cursors: a tagged text wrapped in base64url, so that callers treat it as a token
 * and a hand-made, damaged or foreign cursor is recognised as such.
 */
import { InvalidCursorError } from './store.js';

/** The cursor that carries `payload` under `tag`. */
export function encodeCursor(tag: string, payload: string): string {
  return Buffer.from(`${tag}:${payload}`, 'utf8').toString('base64url');
}

/** The payload of a cursor encodeCursor made with `tag`; InvalidCursorError for anything else. */
export function decodeCursor(tag: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${tag}:`)) throw new InvalidCursorError();
  const payload = text.slice(tag.length + 1);

  // Node's decoder skips characters outside the alphabet and stray trailing ones; only the
  // exact token that encodeCursor issues is accepted.
  if (encodeCursor(tag, payload) !== cursor) throw new InvalidCursorError();
  return payload;
}
