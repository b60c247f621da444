/**
 * The audit trail of the in-memory store: records as the SQLite store keeps them (details as
 * JSON gives them back, ids that only grow, one time per append) and pages read the same way.
 */
import { toStoredBound } from '../../src/storage/audit-bounds.js';
import { decodeAuditCursor, encodeAuditCursor } from '../../src/storage/audit-cursor.js';
import { checkPageLimit } from '../../src/storage/page-limit.js';
import type { AuditEntry, AuditPage, AuditQuery, AuditRecord } from '../../src/storage/store.js';

/** Audit records held in memory, oldest first. */
export class MemoryAuditTrail {
  private readonly records: AuditRecord[] = [];

  /** The records these entries become at `at`; throws, keeping nothing, if one is unstorable. */
  prepare(audit: AuditEntry[], at: string): AuditRecord[] {
    const firstId = (this.records.at(-1)?.id ?? 0) + 1;
    return audit.map((entry, index) => ({
      ...checkedEntry(entry),
      details: asStoredJson(entry),
      id: firstId + index,
      at,
    }));
  }

  /** Appends records that prepare made. */
  append(records: AuditRecord[]): void {
    this.records.push(...records);
  }

  /** Every record, oldest first. */
  all(): AuditRecord[] {
    return structuredClone(this.records);
  }

  /** One page of the records the query selects, newest first. */
  page(query: AuditQuery): AuditPage {
    checkPageLimit(query.limit);
    const since = query.since === undefined ? undefined : toStoredBound('since', query.since);
    const until = query.until === undefined ? undefined : toStoredBound('until', query.until);
    const before = query.cursor === undefined ? Infinity : decodeAuditCursor(query.cursor);

    const matching = this.records
      .filter((record) => record.id < before && matches(record, query, since, until))
      .reverse();
    const records = structuredClone(matching.slice(0, query.limit));
    const last = records.at(-1);
    const more = matching.length > query.limit && last !== undefined;
    return more ? { records, nextCursor: encodeAuditCursor(last.id) } : { records };
  }
}

function checkedEntry(entry: AuditEntry): AuditEntry {
  for (const field of ['action', 'actor', 'requestId'] as const) {
    if (typeof entry[field] !== 'string') throw new Error(`an audit record needs its ${field}`);
  }
  const { action, actor, requestId, integrationId, details } = entry;
  return integrationId === undefined
    ? { action, actor, requestId, details }
    : { action, actor, requestId, integrationId, details };
}

/** The details as a JSON column would give them back. */
function asStoredJson(entry: AuditEntry): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(entry.details);
  } catch {
    throw new TypeError(`audit details of "${entry.action}" are not JSON-serializable`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

function matches(
  record: AuditRecord,
  query: AuditQuery,
  since: string | undefined,
  until: string | undefined,
): boolean {
  return (
    (query.integrationId === undefined || record.integrationId === query.integrationId) &&
    (query.requestId === undefined || record.requestId === query.requestId) &&
    (query.actor === undefined || record.actor === query.actor) &&
    (query.action === undefined || record.action === query.action) &&
    (since === undefined || record.at >= since) &&
    (until === undefined || record.at < until)
  );
}
