/**
 * The storage contract: integrations with their journals, leases, claims on TSM ids and
 * idempotency keys, and the append-only audit trail. Engines implement it (SQLite, PostgreSQL);
 * callers never see rows or SQL. Every write that moves an integration's state appends the audit
 * records that describe it in the same transaction, and only the holder of its lease may write it.
 */
import type { ResourceKind } from '../domain/resources.js';
import type { Integration, IntegrationStatus } from '../orchestration/integration.js';
import type { JournalEntry } from '../orchestration/journal.js';

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
  /** Only records of this request (the X-Request-Id of the call that caused them). */
  requestId?: string;
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

/** The filters of an audit query, without its paging. */
export type AuditFilter = Omit<AuditQuery, 'limit' | 'cursor'>;

/** A stored audit record with its place in the hash chain (see src/audit/audit-chain.ts). */
export interface ChainedAuditRecord extends AuditRecord {
  /** 1 for the first record, one more for each after; null on a row the store did not write. */
  sequence: number | null;
  /** The hash of the record before it (GENESIS_HASH for the first). */
  previousHash: string | null;
  hash: string | null;
}

/**
 * An audit row exactly as stored, for checking the chain: the details as their stored text,
 * and the chain fields null where a row was put in behind the store's back.
 */
export interface AuditLink {
  id: number;
  sequence: number | null;
  previousHash: string | null;
  hash: string | null;
  at: string;
  action: string;
  actor: string;
  requestId: string;
  integrationId: string | null;
  details: string;
}

/** Where the chain ends, as the store last wrote it, in the same transaction as the records. */
export interface AuditChainHead {
  /** The sequence of the newest record; 0 while the trail is empty. */
  sequence: number;
  /** Its hash; GENESIS_HASH while the trail is empty. */
  hash: string;
}

/** Thrown by queryAudit and listIntegrations for a cursor they did not issue. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** An integration's durable state: what the API shows, and the journal only the service reads. */
export interface IntegrationState {
  integration: Integration;
  journal: JournalEntry[];
}

/** A running integration's hold on one TSM resource id; at most one integration holds each. */
export interface ResourceClaim {
  kind: ResourceKind;
  id: string;
}

/** The right to run an integration, held by one runner until it expires or is released. */
export interface Lease {
  /** Who runs it: a runner id unique to the process (and replica). */
  owner: string;
  /** ISO 8601; after it, recovery may take the integration over. */
  expiresAt: string;
}

/** A caller's Idempotency-Key and the integration it started. */
export interface IdempotencyKey {
  /** The caller (key name); keys are scoped to their caller. */
  actor: string;
  key: string;
  /** SHA-256 of the canonical normalized request. */
  fingerprint: string;
  integrationId: string;
  /** ISO 8601; an expired key is as good as absent, and is purged. */
  expiresAt: string;
  /** The integration as its caller was answered; absent while it runs (or was never answered). */
  answer?: Integration;
}

/** Everything that starts an integration, committed together or not at all. */
export interface IntegrationStart {
  state: IntegrationState;
  claims: ResourceClaim[];
  lease: Lease;
  idempotencyKey?: IdempotencyKey;
  audit: AuditEntry[];
}

/**
 * started: stored, claims and lease held. Otherwise nothing was stored:
 * idempotency-key: the caller's key is in use (unexpired) for `existing.integrationId`;
 * claimed: another unfinished integration holds `claim`.
 */
export type StartOutcome =
  | { started: true }
  | { started: false; reason: 'idempotency-key'; existing: IdempotencyKey }
  | { started: false; reason: 'claimed'; claim: ResourceClaim; heldBy: string };

/**
 * Everything that starts the deletion of an integration, committed together or not at all: its
 * new state (status deleting), the claims on the ids it removes, the lease and audit records.
 */
export interface DeletionStart {
  state: IntegrationState;
  /** The status the integration had when it was read; another one means it changed meanwhile. */
  expectedStatus: IntegrationStatus;
  claims: ResourceClaim[];
  lease: Lease;
  audit: AuditEntry[];
}

/**
 * started: stored, claims and lease held. Otherwise nothing was stored: changed: the integration
 * is no longer in the expected status, or someone holds its lease; claimed: another unfinished
 * integration holds `claim`.
 */
export type DeletionStartOutcome =
  | { started: true }
  | { started: false; reason: 'changed' }
  | { started: false; reason: 'claimed'; claim: ResourceClaim; heldBy: string };

/** How a runner lets go of an integration when it stops working on it. */
export interface Settlement {
  /** Release its claims: true once TSM holds all of it or none of it. */
  releaseClaims: boolean;
  /** Forget the caller's idempotency key, so the caller's retry runs afresh. */
  releaseIdempotencyKey: boolean;
  /** For rollback_failed: when recovery should try the compensations again. */
  retryRecoveryAt?: string;
  /** Keep the settled integration with its idempotency key, as the answer a retry replays. */
  recordAnswer?: boolean;
}

/** An integration recovery has taken over, with how many times recovery has tried it before. */
export interface RecoveryCandidate {
  state: IntegrationState;
  recoveryAttempts: number;
}

export interface IntegrationListQuery {
  status?: IntegrationStatus;
  /** Only integrations of this CA label. */
  caLabel?: string;
  /** Only integrations this caller (key name) started. */
  actor?: string;
  /** Inclusive lower bound on createdAt, ISO 8601 with a zone; RangeError when malformed. */
  createdAfter?: string;
  /** Exclusive upper bound on createdAt, ISO 8601 with a zone; RangeError when malformed. */
  createdBefore?: string;
  /** Page size, 1..500. */
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface IntegrationPage {
  /** Newest first. */
  integrations: Integration[];
  nextCursor?: string;
}

/** Thrown by a write of a runner that no longer holds the integration's lease. */
export class LeaseLostError extends Error {
  constructor(readonly integrationId: string) {
    super(`the lease on integration ${integrationId} is no longer held`);
    this.name = 'LeaseLostError';
  }
}

export interface Store {
  /**
   * In one transaction: checks the caller's idempotency key (an unexpired one wins), claims every
   * resource id, and stores the integration with its lease, key and audit records.
   */
  startIntegration(start: IntegrationStart): Promise<StartOutcome>;
  /**
   * Replaces the stored state and appends audit records; LeaseLostError unless `owner` holds the
   * lease. A lease that expired but that nobody took over is still held.
   */
  saveIntegration(state: IntegrationState, audit: AuditEntry[], owner: string): Promise<void>;
  /** Extends the lease; false when `owner` no longer holds it. */
  renewLease(integrationId: string, owner: string, expiresAt: string): Promise<boolean>;
  /**
   * Saves the state, ends the lease and settles claims and key, in one transaction;
   * LeaseLostError unless `owner` holds the lease.
   */
  settleIntegration(
    state: IntegrationState,
    audit: AuditEntry[],
    owner: string,
    settlement: Settlement,
  ): Promise<void>;
  /** Gives the lease up without finishing, so recovery may take the integration at once. */
  releaseLease(integrationId: string, owner: string): Promise<void>;
  /**
   * Takes over, for `lease`, up to `limit` integrations that need recovery: unfinished ones
   * (in_progress, rolling_back, deleting) whose lease has expired, and rollback_failed ones due
   * for a retry, oldest first. Two callers never take the same integration. A lease expires at `expiresAt`;
   * `lease` must run past `now` (RangeError otherwise), and `limit` is 1..500.
   */
  takeOverForRecovery(lease: Lease, now: string, limit: number): Promise<RecoveryCandidate[]>;
  /** Deletes idempotency keys expired at `now` (expiresAt <= now); how many. */
  purgeExpiredIdempotencyKeys(now: string): Promise<number>;
  getIntegration(id: string): Promise<Integration | undefined>;
  /** The stored integration with its journal, if any. */
  getIntegrationState(id: string): Promise<IntegrationState | undefined>;
  /**
   * In one transaction: moves a settled integration (no lease held) from `expectedStatus` to the
   * given state, claims the ids it removes, takes the lease and appends the audit records.
   */
  startDeletion(start: DeletionStart): Promise<DeletionStartOutcome>;
  /** Integrations, newest first (by createdAt, then id), filtered as the query asks. */
  listIntegrations(query: IntegrationListQuery): Promise<IntegrationPage>;
  /** Appends audit records (one transaction). */
  appendAudit(audit: AuditEntry[]): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditPage>;
  /** The head of the audit chain. */
  readAuditChainHead(): Promise<AuditChainHead>;
  /** Up to `limit` (1..500) audit rows as stored with ids above `afterId`, oldest first. */
  readAuditLinks(afterId: number, limit: number): Promise<AuditLink[]>;
  /** Up to `limit` (1..500) records the filter selects with ids above `afterId`, oldest first. */
  exportAuditPage(
    filter: AuditFilter,
    afterId: number,
    limit: number,
  ): Promise<ChainedAuditRecord[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
