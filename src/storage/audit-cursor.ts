/**
 * The audit trail's page cursor: the id of the last record a page held.
 */
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { InvalidCursorError } from './store.js';

const TAG = 'audit-before';
const DECIMAL = /^[1-9][0-9]*$/;

/** The cursor for the page after the record with this id (older records). */
export function encodeAuditCursor(lastId: number): string {
  return encodeCursor(TAG, String(lastId));
}

/** The id a cursor of encodeAuditCursor carries; InvalidCursorError for anything else. */
export function decodeAuditCursor(cursor: string): number {
  const digits = decodeCursor(TAG, cursor);
  const id = Number(digits);
  if (!DECIMAL.test(digits) || !Number.isSafeInteger(id)) throw new InvalidCursorError();
  return id;
}
