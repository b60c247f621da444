/**
 * A time bound of a listing's query string (the audit trail's, the integration list's): both
 * accept exactly the times the store can compare, so one form is documented for both.
 */
import { Type } from '@sinclair/typebox';
import { ISO_8601_PATTERN } from '../storage/audit-bounds.js';

/** What to send, said in the OpenAPI document and in the error for a value of another form. */
export const TIME_FORM =
  'Send ISO 8601: a date such as 2026-12-01 (midnight UTC), or an RFC 3339 time with Z or an ' +
  'offset, such as 2026-12-01T00:00:00Z or 2026-12-01T01:00:00+01:00.';

/** An optional time bound; `meaning` says how it narrows the listing. */
export function timeParameter(meaning: string) {
  return Type.Optional(
    Type.String({
      pattern: ISO_8601_PATTERN,
      examples: ['2026-12-01T00:00:00Z'],
      // What to send first: a pattern error quotes the description to say so.
      description: `${TIME_FORM} ${meaning}`,
    }),
  );
}
