/**
 * The audit trail of the in-memory store: records as the SQLite store keeps them (details as
 * JSON gives them back, ids that only grow, one time per append, chained by the same hashes) and
 * pages read the same way.
 */
import { GENESIS_HASH, auditRecordHash } from '../../src/audit/audit-chain.js';
import { toStoredBound } from '../../src/storage/audit-bounds.js';
import { decodeAuditCursor, encodeAuditCursor } from '../../src/storage/audit-cursor.js';
import { checkPageLimit } from '../../src/storage/page-limit.js';
import type {
  AuditChainHead,
  AuditEntry,
  AuditFilter,
  AuditLink,
  AuditPage,
  AuditQuery,
  AuditRecord,
  ChainedAuditRecord,
} from '../../src/storage/store.js';

/** A record with its place in the chain and the details text its hash covers. */
export interface MemoryAuditRecord {
  record: AuditRecord;
  sequence: number;
  previousHash: string;
  hash: string;
  detailsText: string;
}

/** Audit records held in memory, oldest first. */
export class MemoryAuditTrail {
  private readonly records: MemoryAuditRecord[] = [];

  /**
   * The records these entries become at `at`, chained after the last one; throws, keeping
   * nothing, if one is unstorable. Append them before preparing any others.
   */
  prepare(audit: AuditEntry[], at: string): MemoryAuditRecord[] {
    const last = this.records.at(-1);
    let { sequence, hash } = this.head();
    return audit.map((entry, index) => {
      const checked = checkedEntry(entry);
      const detailsText = storedText(entry);
      const previousHash = hash;
      sequence += 1;
      const fields = { ...checked, integrationId: checked.integrationId ?? null, sequence, at };
      hash = auditRecordHash({ ...fields, details: detailsText }, previousHash);
      const details = JSON.parse(detailsText) as Record<string, unknown>;
      const record = { ...checked, details, id: (last?.record.id ?? 0) + index + 1, at };
      return { record, sequence, previousHash, hash, detailsText };
    });
  }

  /** Appends records that prepare made. */
  append(records: MemoryAuditRecord[]): void {
    this.records.push(...records);
  }

  /** Every record, oldest first. */
  all(): AuditRecord[] {
    return this.records.map((stored) => structuredClone(stored.record));
  }

  /** Where the chain ends. */
  head(): AuditChainHead {
    const last = this.records.at(-1);
    return last === undefined
      ? { sequence: 0, hash: GENESIS_HASH }
      : { sequence: last.sequence, hash: last.hash };
  }

  /** Records as stored after `afterId`, oldest first. */
  links(afterId: number, limit: number): AuditLink[] {
    checkPageLimit(limit);
    return this.records
      .filter((stored) => stored.record.id > afterId)
      .slice(0, limit)
      .map(({ record, sequence, previousHash, hash, detailsText }) => ({
        ...structuredClone(record),
        integrationId: record.integrationId ?? null,
        details: detailsText,
        sequence,
        previousHash,
        hash,
      }));
  }

  /** Records the filter selects after `afterId`, oldest first. */
  exportPage(filter: AuditFilter, afterId: number, limit: number): ChainedAuditRecord[] {
    checkPageLimit(limit);
    const since = filter.since === undefined ? undefined : toStoredBound('since', filter.since);
    const until = filter.until === undefined ? undefined : toStoredBound('until', filter.until);
    return this.records
      .filter(({ record }) => record.id > afterId && matches(record, filter, since, until))
      .slice(0, limit)
      .map(({ record, sequence, previousHash, hash }) => ({
        ...structuredClone(record),
        sequence,
        previousHash,
        hash,
      }));
  }

  /** One page of the records the query selects, newest first. */
  page(query: AuditQuery): AuditPage {
    checkPageLimit(query.limit);
    const since = query.since === undefined ? undefined : toStoredBound('since', query.since);
    const until = query.until === undefined ? undefined : toStoredBound('until', query.until);
    const before = query.cursor === undefined ? Infinity : decodeAuditCursor(query.cursor);

    const matching = this.records
      .map((stored) => stored.record)
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

/** The details as a JSON column holds them. */
function storedText(entry: AuditEntry): string {
  try {
    return JSON.stringify(entry.details);
  } catch {
    throw new TypeError(`audit details of "${entry.action}" are not JSON-serializable`);
  }
}

function matches(
  record: AuditRecord,
  query: AuditFilter,
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
