/**
 * The audit trail's page cursor: the id of the last record a page held, wrapped so that callers
 * treat it as opaque and a hand-made or damaged cursor is recognised as such.
 */
import { InvalidCursorError } from './store.js';

const PREFIX = 'audit-before:';
const DECIMAL = /^[1-9][0-9]*$/;

/** The cursor for the page after the record with this id (older records). */
export function encodeAuditCursor(lastId: number): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The id a cursor of encodeAuditCursor carries; InvalidCursorError for anything else. */
export function decodeAuditCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  const id = Number(digits);
  if (!DECIMAL.test(digits) || !Number.isSafeInteger(id)) throw new InvalidCursorError();

  // Node's decoder skips characters outside the alphabet and stray trailing ones; only the
  // exact token this module issued is accepted.
  if (encodeAuditCursor(id) !== cursor) throw new InvalidCursorError();
  return id;
}
