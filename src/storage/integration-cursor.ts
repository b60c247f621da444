/**
 * The integration list's page cursor: the creation time and id of the last integration a page
 * held, the key the list is ordered by.
 */
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { InvalidCursorError } from './store.js';

const TAG = 'integrations-before';

/** Where a page of integrations ended: the next page holds those before it. */
export interface IntegrationPosition {
  createdAt: string;
  id: string;
}

/** The cursor for the page after this integration (older ones). */
export function encodeIntegrationCursor(last: IntegrationPosition): string {
  return encodeCursor(TAG, JSON.stringify([last.createdAt, last.id]));
}

/** The position a cursor of encodeIntegrationCursor carries; InvalidCursorError otherwise. */
export function decodeIntegrationCursor(cursor: string): IntegrationPosition {
  const payload = decodeCursor(TAG, cursor);
  const position = parsePosition(payload);
  if (position === undefined || encodeIntegrationCursor(position) !== cursor) {
    throw new InvalidCursorError();
  }
  return position;
}

function parsePosition(payload: string): IntegrationPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string') return undefined;
  return { createdAt, id };
}
