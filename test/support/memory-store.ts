/**
 * A Store held in memory, for tests of the layers above storage. It keeps the contract of the
 * SQLite store (test/storage/store-contract.ts runs against it too): copies in and out, all or
 * nothing per call, leases that fence writes, claims and keys, the same cursors and bounds. A
 * test can also break it on purpose and read what it holds: every saved version, leases, claims.
 */
import type { Integration } from '../../src/orchestration/integration.js';
import { LeaseLostError } from '../../src/storage/store.js';
import type {
  AuditChainHead,
  AuditEntry,
  AuditFilter,
  AuditLink,
  AuditPage,
  AuditQuery,
  AuditRecord,
  DeletionStart,
  DeletionStartOutcome,
  ChainedAuditRecord,
  IntegrationListQuery,
  IntegrationPage,
  IntegrationStart,
  IntegrationState,
  Lease,
  RecoveryCandidate,
  Settlement,
  StartOutcome,
  Store,
} from '../../src/storage/store.js';
import {
  distinctClaims,
  storedLease,
  storedRecoveryLease,
  storedRetryTime,
  storedStart,
} from '../../src/storage/store-times.js';
import { toStoredTime } from '../../src/storage/stored-time.js';
import { MemoryAuditTrail, type MemoryAuditRecord } from './memory-audit-trail.js';
import { MemoryClaimsAndKeys, type HeldClaim } from './memory-claims-and-keys.js';
import { integrationPage, recoveryCandidates, type StoredIntegration } from './memory-queries.js';

/** The calls of the store a test can make fail. */
export type StoreOperation =
  | 'startIntegration'
  | 'startDeletion'
  | 'saveIntegration'
  | 'renewLease'
  | 'settleIntegration'
  | 'releaseLease'
  | 'takeOverForRecovery'
  | 'purgeExpiredIdempotencyKeys'
  | 'appendAudit';

/** An in-memory Store. */
export class MemoryStore implements Store {
  private readonly integrations = new Map<string, StoredIntegration>();
  private readonly versions = new Map<string, IntegrationState[]>();
  private readonly holds = new MemoryClaimsAndKeys();
  private readonly trail = new MemoryAuditTrail();
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
    return this.stateHistory(id).map((state) => state.integration);
  }

  /** Every state (integration and journal) that was stored, oldest first. */
  stateHistory(id: string): IntegrationState[] {
    return structuredClone(this.versions.get(id) ?? []);
  }

  /** The lease on an integration, if one is held (expired or not). */
  leaseOf(id: string): Lease | undefined {
    return structuredClone(this.integrations.get(id)?.lease);
  }

  /** Every claim held, in the order they were made. */
  heldClaims(): HeldClaim[] {
    return this.holds.heldClaims();
  }

  /** Every audit record, oldest first. */
  auditTrail(): AuditRecord[] {
    return this.trail.all();
  }

  startIntegration(start: IntegrationStart): Promise<StartOutcome> {
    return this.perform('startIntegration', () => {
      const { state, claims, lease, idempotencyKey } = storedStart(start);
      const now = this.nowIso();
      const records = this.trail.prepare(start.audit, now);
      const copy = asJson(state);
      const id = state.integration.id;
      const refusal = this.holds.refusal(claims, idempotencyKey, now);
      if (refusal?.started === false && refusal.reason === 'idempotency-key') return refusal;
      if (this.integrations.has(id)) throw new Error(`an integration with id "${id}" is stored`);
      if (refusal !== undefined) return refusal;

      this.holds.hold(id, claims, idempotencyKey);
      this.integrations.set(id, { state: copy, lease: { ...lease }, recoveryAttempts: 0 });
      this.commit(copy, records);
      return { started: true };
    });
  }

  saveIntegration(state: IntegrationState, audit: AuditEntry[], owner: string): Promise<void> {
    return this.perform('saveIntegration', () => {
      const stored = this.held(state.integration.id, owner);
      this.commit(state, this.trail.prepare(audit, this.nowIso()));
      stored.state = asJson(state);
    });
  }

  renewLease(integrationId: string, owner: string, expiresAt: string): Promise<boolean> {
    return this.perform('renewLease', () => {
      const renewed = storedLease({ owner, expiresAt });
      const lease = this.integrations.get(integrationId)?.lease;
      if (lease?.owner !== owner) return false;
      lease.expiresAt = renewed.expiresAt;
      return true;
    });
  }

  settleIntegration(
    state: IntegrationState,
    audit: AuditEntry[],
    owner: string,
    settlement: Settlement,
  ): Promise<void> {
    return this.perform('settleIntegration', () => {
      const retryAt = storedRetryTime(settlement) ?? undefined;
      const stored = this.held(state.integration.id, owner);
      this.commit(state, this.trail.prepare(audit, this.nowIso()));
      Object.assign(stored, { state: asJson(state), retryRecoveryAt: retryAt });
      delete stored.lease;
      this.holds.release(state.integration, settlement);
    });
  }

  releaseLease(integrationId: string, owner: string): Promise<void> {
    return this.perform('releaseLease', () => {
      const now = this.nowIso();
      const lease = this.integrations.get(integrationId)?.lease;
      if (lease?.owner === owner && lease.expiresAt > now) lease.expiresAt = now;
    });
  }

  takeOverForRecovery(lease: Lease, now: string, limit: number): Promise<RecoveryCandidate[]> {
    return this.perform('takeOverForRecovery', () => {
      const at = toStoredTime('now', now);
      const taking = storedRecoveryLease(lease, at);
      return recoveryCandidates([...this.integrations.values()], at, limit).map((stored) => {
        const recoveryAttempts = stored.recoveryAttempts;
        Object.assign(stored, { lease: { ...taking }, recoveryAttempts: recoveryAttempts + 1 });
        return { state: structuredClone(stored.state), recoveryAttempts };
      });
    });
  }

  purgeExpiredIdempotencyKeys(now: string): Promise<number> {
    return this.perform('purgeExpiredIdempotencyKeys', () =>
      this.holds.purge(toStoredTime('now', now)),
    );
  }

  getIntegration(id: string): Promise<Integration | undefined> {
    return this.perform(undefined, () =>
      structuredClone(this.integrations.get(id)?.state.integration),
    );
  }

  getIntegrationState(id: string): Promise<IntegrationState | undefined> {
    return this.perform(undefined, () => structuredClone(this.integrations.get(id)?.state));
  }

  startDeletion(start: DeletionStart): Promise<DeletionStartOutcome> {
    return this.perform('startDeletion', () => {
      const lease = storedLease(start.lease);
      const claims = distinctClaims(start.claims);
      const now = this.nowIso();
      const records = this.trail.prepare(start.audit, now);
      const id = start.state.integration.id;
      const stored = this.integrations.get(id);
      const status = stored?.state.integration.status;
      if (stored === undefined || status !== start.expectedStatus || stored.lease !== undefined) {
        return { started: false, reason: 'changed' };
      }
      const refusal = this.holds.refusal(claims, undefined, now);
      if (refusal?.started === false && refusal.reason === 'claimed') return refusal;

      this.holds.hold(id, claims, undefined);
      const copy = asJson(start.state);
      Object.assign(stored, { state: copy, lease: { ...lease }, retryRecoveryAt: undefined });
      this.commit(copy, records);
      return { started: true };
    });
  }

  listIntegrations(query: IntegrationListQuery): Promise<IntegrationPage> {
    return this.perform(undefined, () => integrationPage([...this.integrations.values()], query));
  }

  appendAudit(audit: AuditEntry[]): Promise<void> {
    return this.perform('appendAudit', () => {
      this.trail.append(this.trail.prepare(audit, this.nowIso()));
    });
  }

  queryAudit(query: AuditQuery): Promise<AuditPage> {
    return this.perform(undefined, () => this.trail.page(query));
  }

  readAuditChainHead(): Promise<AuditChainHead> {
    return this.perform(undefined, () => this.trail.head());
  }

  readAuditLinks(afterId: number, limit: number): Promise<AuditLink[]> {
    return this.perform(undefined, () => this.trail.links(afterId, limit));
  }

  exportAuditPage(
    filter: AuditFilter,
    afterId: number,
    limit: number,
  ): Promise<ChainedAuditRecord[]> {
    return this.perform(undefined, () => this.trail.exportPage(filter, afterId, limit));
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

  /** The integration if `owner` holds its lease; LeaseLostError otherwise. */
  private held(id: string, owner: string): StoredIntegration {
    const stored = this.integrations.get(id);
    if (stored?.lease?.owner !== owner) throw new LeaseLostError(id);
    return stored;
  }

  /** Keeps a version of the state and appends its records; callers have checked everything. */
  private commit(state: IntegrationState, records: MemoryAuditRecord[]): void {
    const id = state.integration.id;
    this.versions.set(id, [...(this.versions.get(id) ?? []), asJson(state)]);
    this.trail.append(records);
  }

  private nowIso(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
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

/** The state as the database gives it back: JSON text parsed again. */
function asJson(state: IntegrationState): IntegrationState {
  return JSON.parse(JSON.stringify(state)) as IntegrationState;
}
