/**
 * The audit trail's rows: appending entries and reading them back a page at a time, newest
 * first, with keyset pagination on the id so records appended meanwhile never shift a page.
 */
import type { Kysely } from 'kysely';
import { toStoredBound } from './audit-bounds.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { checkPageLimit } from './page-limit.js';
import type { AuditRow, Database, NewAuditRow } from './schema.js';
import type { AuditEntry, AuditPage, AuditQuery, AuditRecord } from './store.js';

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

/** Appends the rows; `db` may be a transaction. */
export async function insertAuditRows(db: Kysely<Database>, rows: NewAuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('audit_records').values(rows).execute();
}

/** One page of the records matching the query, newest first. */
export async function selectAuditPage(db: Kysely<Database>, query: AuditQuery): Promise<AuditPage> {
  checkPageLimit(query.limit);
  const beforeId = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
  const since = query.since === undefined ? undefined : toStoredBound('since', query.since);
  const until = query.until === undefined ? undefined : toStoredBound('until', query.until);

  let select = db.selectFrom('audit_records').selectAll();
  if (query.integrationId !== undefined) {
    select = select.where('integration_id', '=', query.integrationId);
  }
  if (query.requestId !== undefined) select = select.where('request_id', '=', query.requestId);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (since !== undefined) select = select.where('at', '>=', since);
  if (until !== undefined) select = select.where('at', '<', until);
  if (beforeId !== undefined) select = select.where('id', '<', beforeId);

  // One row beyond the page says whether another page exists without a count.
  // Known shortcoming (PostgreSQL): replicas commit side by side, so a record may become visible
  // after one with a higher id; a walk that is under way when it commits can pass it by (a
  // query made afterwards sees it). SQLite commits one writer at a time and never does this.
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

function toAuditRecord(row: AuditRow): AuditRecord {
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
