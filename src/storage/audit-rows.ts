/**
 * The audit trail's rows: turning entries into rows, and reading them back a page at a time,
 * newest first, with keyset pagination on the id so records appended meanwhile never shift a
 * page. Appending is the chain's business (audit-chain-rows.ts).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { toStoredBound } from './audit-bounds.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { checkPageLimit } from './page-limit.js';
import type { AuditRow, Database, NewAuditRow } from './schema.js';
import type { AuditEntry, AuditFilter, AuditPage, AuditQuery, AuditRecord } from './store.js';

/**
 * Rows for these entries stamped with one time. Serializes the details first, so an entry that
 * cannot be stored fails before any transaction opens.
 */
export function toAuditRows(entries: AuditEntry[], at: Date): NewAuditRow[] {
  const stamp = at.toISOString();
  return entries.map((entry) => ({
    at: stamp,
    action: entry.action,
    actor: entry.actor,
    request_id: entry.requestId,
    integration_id: entry.integrationId ?? null,
    details: serializeDetails(entry),
  }));
}

/** One page of the records matching the query, newest first. */
export async function selectAuditPage(db: Kysely<Database>, query: AuditQuery): Promise<AuditPage> {
  checkPageLimit(query.limit);
  const beforeId = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
  let select = selectFilteredAudit(db, query);
  if (beforeId !== undefined) select = select.where('id', '<', beforeId);

  // One row beyond the page says whether another page exists without a count. Records become
  // visible in id order on both engines: an append draws its ids under the chain head's lock,
  // which it holds until it commits (audit-chain-rows.ts), so a walk never passes one by.
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit);
}

function toPage(rows: AuditRow[], limit: number): AuditPage {
  const records = rows.slice(0, limit).map(toAuditRecord);
  const last = records.at(-1);
  if (rows.length <= limit || last === undefined) return { records };
  return { records, nextCursor: encodeAuditCursor(last.id) };
}

/** The audit rows the filter selects, in no order yet; RangeError for an unusable time bound. */
export function selectFilteredAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
): SelectQueryBuilder<Database, 'audit_records', AuditRow> {
  const since = filter.since === undefined ? undefined : toStoredBound('since', filter.since);
  const until = filter.until === undefined ? undefined : toStoredBound('until', filter.until);

  let select = db.selectFrom('audit_records').selectAll();
  if (filter.integrationId !== undefined) {
    select = select.where('integration_id', '=', filter.integrationId);
  }
  if (filter.requestId !== undefined) select = select.where('request_id', '=', filter.requestId);
  if (filter.actor !== undefined) select = select.where('actor', '=', filter.actor);
  if (filter.action !== undefined) select = select.where('action', '=', filter.action);
  if (since !== undefined) select = select.where('at', '>=', since);
  if (until !== undefined) select = select.where('at', '<', until);
  return select;
}

/** The record a row holds, without its place in the chain. */
export function toAuditRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    id: row.id,
    at: row.at,
    action: row.action,
    actor: row.actor,
    requestId: row.request_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
  if (row.integration_id !== null) record.integrationId = row.integration_id;
  return record;
}

function serializeDetails(entry: AuditEntry): string {
  try {
    return JSON.stringify(entry.details);
  } catch (error) {
    throw new TypeError(`audit details of "${entry.action}" are not JSON-serializable`, {
      cause: error,
    });
  }
}
