/**
 * A Store held in memory, for tests of the layers above storage. It keeps the contract of the
 * SQLite store (test/storage/store-contract.ts runs against it too): copies in and out, all or
 * nothing per call, audit details as JSON would store them, the same cursor and bounds. A test
 * can also break it on purpose and read every version an integration was saved in.
 */
import type { Integration } from '../../src/orchestration/integration.js';
import { checkAuditLimit, toStoredBound } from '../../src/storage/audit-bounds.js';
import { decodeAuditCursor, encodeAuditCursor } from '../../src/storage/audit-cursor.js';
import { UnknownIntegrationError } from '../../src/storage/errors.js';
import type {
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuditRecord,
  Store,
} from '../../src/storage/store.js';

/** The calls of the store a test can make fail. */
export type StoreOperation = 'createIntegration' | 'saveIntegration' | 'appendAudit';

/** An in-memory Store. */
export class MemoryStore implements Store {
  private readonly integrations = new Map<string, Integration>();
  private readonly versions = new Map<string, Integration[]>();
  private readonly records: AuditRecord[] = [];
  private readonly breakdowns: { operation: StoreOperation; skip: number; error: Error }[] = [];
  private closed = false;

  constructor(private readonly options: { now?: () => Date } = {}) {}

  /**
   * Makes a coming call of `operation` throw, as a failing database would: the next one, or the
   * one after `skip` more have succeeded.
   */
  breakNext(operation: StoreOperation, options: { skip?: number; error?: Error } = {}): void {
    const error = options.error ?? new Error('the database is unavailable');
    this.breakdowns.push({ operation, skip: options.skip ?? 0, error });
  }

  /** Every version of an integration that was stored, oldest first. */
  history(id: string): Integration[] {
    return structuredClone(this.versions.get(id) ?? []);
  }

  /** Every audit record, oldest first. */
  auditTrail(): AuditRecord[] {
    return structuredClone(this.records);
  }

  createIntegration(integration: Integration, audit: AuditEntry[]): Promise<void> {
    return this.perform('createIntegration', () => {
      if (this.integrations.has(integration.id)) {
        throw new Error(`an integration with id "${integration.id}" is already stored`);
      }
      this.commit(integration, audit);
    });
  }

  saveIntegration(integration: Integration, audit: AuditEntry[]): Promise<void> {
    return this.perform('saveIntegration', () => {
      if (!this.integrations.has(integration.id)) {
        throw new UnknownIntegrationError(integration.id);
      }
      this.commit(integration, audit);
    });
  }

  getIntegration(id: string): Promise<Integration | undefined> {
    return this.perform(undefined, () => {
      const stored = this.integrations.get(id);
      return stored === undefined ? undefined : structuredClone(stored);
    });
  }

  appendAudit(audit: AuditEntry[]): Promise<void> {
    return this.perform('appendAudit', () => {
      this.records.push(...this.toRecords(audit));
    });
  }

  queryAudit(query: AuditQuery): Promise<AuditPage> {
    return this.perform(undefined, () => this.page(query));
  }

  ping(): Promise<void> {
    return this.perform(undefined, () => undefined);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Runs one call; whatever it throws becomes a rejection, as with a real database. */
  private perform<T>(operation: StoreOperation | undefined, work: () => T): Promise<T> {
    return new Promise((resolve) => {
      this.check(operation);
      resolve(work());
    });
  }

  private page(query: AuditQuery): AuditPage {
    checkAuditLimit(query.limit);
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

  /** Stores the integration and its records, or neither. */
  private commit(integration: Integration, audit: AuditEntry[]): void {
    const records = this.toRecords(audit);
    const copy = structuredClone(integration);
    this.integrations.set(copy.id, copy);
    this.versions.set(copy.id, [...(this.versions.get(copy.id) ?? []), structuredClone(copy)]);
    this.records.push(...records);
  }

  /** Checks every entry before any is kept, as one transaction would. */
  private toRecords(audit: AuditEntry[]): AuditRecord[] {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    const firstId = (this.records.at(-1)?.id ?? 0) + 1;
    return audit.map((entry, index) => ({
      ...checkedEntry(entry),
      details: asStoredJson(entry.details),
      id: firstId + index,
      at,
    }));
  }

  private check(operation: StoreOperation | undefined): void {
    if (this.closed) throw new Error('the store is closed');
    const index = this.breakdowns.findIndex((breakdown) => breakdown.operation === operation);
    const breakdown = this.breakdowns[index];
    if (breakdown === undefined) return;
    if (breakdown.skip > 0) {
      breakdown.skip -= 1;
      return;
    }
    this.breakdowns.splice(index, 1);
    throw breakdown.error;
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
function asStoredJson(details: Record<string, unknown>): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(details);
  } catch {
    throw new Error('audit details are not JSON-serializable');
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
    (query.actor === undefined || record.actor === query.actor) &&
    (query.action === undefined || record.action === query.action) &&
    (since === undefined || record.at >= since) &&
    (until === undefined || record.at < until)
  );
}
