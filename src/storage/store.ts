/**
 * The storage contract: integrations and the append-only audit trail. Engines implement it
 * (SQLite now); callers never see rows or SQL. Every write that moves an integration's state
 * appends the audit records that describe it in the same transaction.
 */
import type { Integration } from '../orchestration/integration.js';

/** An audit record before it is stored. Holds no secret, token or key material. */
export interface AuditEntry {
  /** Stable dotted name: http.request, integration.started, tsm.call, compensation.failed, ... */
  action: string;
  /** Who: the caller's key name, or "anonymous" when auth is disabled, or "system". */
  actor: string;
  /** The request id of the HTTP request that caused it. */
  requestId: string;
  integrationId?: string;
  /** Action-specific facts, JSON-serializable. */
  details: Record<string, unknown>;
}

/** A stored audit record. */
export interface AuditRecord extends AuditEntry {
  /** Monotonic id assigned by the store. */
  id: number;
  /** ISO 8601 time the record was stored. */
  at: string;
}

export interface AuditQuery {
  integrationId?: string;
  actor?: string;
  action?: string;
  /** Inclusive lower bound on `at`, ISO 8601. */
  since?: string;
  /** Exclusive upper bound on `at`, ISO 8601. */
  until?: string;
  /** Page size, 1..500. */
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  /** Pass as `cursor` to get the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** Thrown by queryAudit for a cursor it did not issue. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

export interface Store {
  /** Stores a new integration and its audit records in one transaction. */
  createIntegration(integration: Integration, audit: AuditEntry[]): Promise<void>;
  /** Replaces the stored integration with this version and appends audit records, atomically. */
  saveIntegration(integration: Integration, audit: AuditEntry[]): Promise<void>;
  getIntegration(id: string): Promise<Integration | undefined>;
  /** Appends audit records (one transaction). */
  appendAudit(audit: AuditEntry[]): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditPage>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
