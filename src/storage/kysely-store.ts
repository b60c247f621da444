/**
 * The Store over kysely. Nothing here depends on the engine: SQLite and PostgreSQL open the same
 * class over their own dialects. Every write is a guarded statement or a transaction that is
 * correct whether the engine runs transactions one at a time (SQLite) or side by side under
 * READ COMMITTED (PostgreSQL).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Integration } from '../orchestration/integration.js';
import {
  appendChainedRows,
  selectAuditLinks,
  selectChainHead,
  selectExportPage,
} from './audit-chain-rows.js';
import { selectAuditPage, toAuditRows } from './audit-rows.js';
import { releaseClaims } from './claim-rows.js';
import {
  deleteExpiredIdempotencyKeys,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
} from './idempotency-rows.js';
import { selectIntegrationPage } from './integration-list.js';
import { DeletionRefused, startDeletionInTransaction } from './integration-deletion.js';
import {
  selectIntegration,
  selectIntegrationState,
  updateHeldIntegration,
} from './integration-rows.js';
import { StartRefused, startInTransaction } from './integration-start.js';
import { expireLease, extendLease, takeOver } from './lease-rows.js';
import { checkPageLimit } from './page-limit.js';
import type { Database } from './schema.js';
import {
  LeaseLostError,
  type AuditChainHead,
  type AuditEntry,
  type AuditFilter,
  type AuditLink,
  type AuditPage,
  type AuditQuery,
  type DeletionStart,
  type DeletionStartOutcome,
  type ChainedAuditRecord,
  type IntegrationListQuery,
  type IntegrationPage,
  type IntegrationStart,
  type IntegrationState,
  type Lease,
  type RecoveryCandidate,
  type Settlement,
  type StartOutcome,
  type Store,
} from './store.js';
import {
  distinctClaims,
  storedLease,
  storedRecoveryLease,
  storedRetryTime,
  storedStart,
} from './store-times.js';
import { toStoredTime } from './stored-time.js';

/** Where the store's times come from; tests pass a fixed clock. */
export type Clock = () => Date;

/** A Store on a kysely database that is already migrated. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: Clock = () => new Date(),
  ) {}

  /** Checks the key, claims the resource ids and stores the integration, all or nothing. */
  async startIntegration(start: IntegrationStart): Promise<StartOutcome> {
    const stored = storedStart(start);
    const now = this.now();
    const rows = toAuditRows(start.audit, now);
    try {
      return await this.inTransaction((trx) =>
        startInTransaction(trx, stored, rows, now.toISOString()),
      );
    } catch (error) {
      if (error instanceof StartRefused) return error.outcome;
      throw error;
    }
  }

  /** Replaces the state and appends audit records; LeaseLostError unless `owner` holds it. */
  async saveIntegration(
    state: IntegrationState,
    audit: AuditEntry[],
    owner: string,
  ): Promise<void> {
    const rows = toAuditRows(audit, this.now());
    await this.inTransaction(async (trx) => {
      await this.updateHeld(trx, state, owner);
      await appendChainedRows(trx, rows);
    });
  }

  /** Extends the lease; false when `owner` no longer holds it. */
  async renewLease(integrationId: string, owner: string, expiresAt: string): Promise<boolean> {
    const stored = storedLease({ owner, expiresAt });
    return await extendLease(this.db, integrationId, owner, stored.expiresAt);
  }

  /** Saves the final state of this run, ends the lease, and settles claims and key, at once. */
  async settleIntegration(
    state: IntegrationState,
    audit: AuditEntry[],
    owner: string,
    settlement: Settlement,
  ): Promise<void> {
    const retryAt = storedRetryTime(settlement);
    const rows = toAuditRows(audit, this.now());
    const integrationId = state.integration.id;
    await this.inTransaction(async (trx) => {
      await this.updateHeld(trx, state, owner, {
        lease_owner: null,
        lease_expires_at: null,
        retry_recovery_at: retryAt,
      });
      if (settlement.releaseClaims) await releaseClaims(trx, integrationId);
      if (settlement.releaseIdempotencyKey) await releaseIdempotencyKey(trx, integrationId);
      else if (settlement.recordAnswer === true) {
        await recordIdempotentAnswer(trx, state.integration);
      }
      await appendChainedRows(trx, rows);
    });
  }

  /** Ends `owner`'s lease now, so recovery may take the integration at once. */
  async releaseLease(integrationId: string, owner: string): Promise<void> {
    await expireLease(this.db, integrationId, owner, this.now().toISOString());
  }

  /** Takes over, for `lease`, up to `limit` integrations that need recovery; rejects bad input. */
  async takeOverForRecovery(
    lease: Lease,
    now: string,
    limit: number,
  ): Promise<RecoveryCandidate[]> {
    checkPageLimit(limit);
    const at = toStoredTime('now', now);
    return await takeOver(this.db, storedRecoveryLease(lease, at), at, limit);
  }

  /** Deletes the idempotency keys expired at `now`; how many. */
  async purgeExpiredIdempotencyKeys(now: string): Promise<number> {
    return await deleteExpiredIdempotencyKeys(this.db, toStoredTime('now', now));
  }

  /** The stored integration with this id, if any. */
  getIntegration(id: string): Promise<Integration | undefined> {
    return selectIntegration(this.db, id);
  }

  /** The stored integration with its journal, if any. */
  getIntegrationState(id: string): Promise<IntegrationState | undefined> {
    return selectIntegrationState(this.db, id);
  }

  /** Moves a settled integration to deleting with its claims and lease, all or nothing. */
  async startDeletion(start: DeletionStart): Promise<DeletionStartOutcome> {
    const stored = {
      ...start,
      lease: storedLease(start.lease),
      claims: distinctClaims(start.claims),
    };
    const now = this.now();
    const rows = toAuditRows(start.audit, now);
    try {
      return await this.inTransaction((trx) =>
        startDeletionInTransaction(trx, stored, rows, now.toISOString()),
      );
    } catch (error) {
      if (error instanceof DeletionRefused) return error.outcome;
      throw error;
    }
  }

  /** One page of integrations, newest first. */
  listIntegrations(query: IntegrationListQuery): Promise<IntegrationPage> {
    return selectIntegrationPage(this.db, query);
  }

  /** Appends audit records in one transaction. */
  async appendAudit(audit: AuditEntry[]): Promise<void> {
    const rows = toAuditRows(audit, this.now());
    await this.inTransaction((trx) => appendChainedRows(trx, rows));
  }

  /** One page of the audit trail, newest first. */
  queryAudit(query: AuditQuery): Promise<AuditPage> {
    return selectAuditPage(this.db, query);
  }

  /** The head of the audit chain. */
  readAuditChainHead(): Promise<AuditChainHead> {
    return selectChainHead(this.db);
  }

  /** Audit rows as stored after `afterId`, oldest first. */
  readAuditLinks(afterId: number, limit: number): Promise<AuditLink[]> {
    return selectAuditLinks(this.db, afterId, limit);
  }

  /** Filtered audit records after `afterId`, oldest first. */
  exportAuditPage(
    filter: AuditFilter,
    afterId: number,
    limit: number,
  ): Promise<ChainedAuditRecord[]> {
    return selectExportPage(this.db, filter, afterId, limit);
  }

  /** Resolves when the database answers a trivial query. */
  async ping(): Promise<void> {
    await this.db.selectNoFrom((eb) => eb.lit(1).as('alive')).execute();
  }

  /** Closes the database; the store is unusable afterwards. */
  async close(): Promise<void> {
    await this.db.destroy();
  }

  // Fencing: the update only touches a row whose lease `owner` holds, so a runner that lost its
  // lease to recovery fails here instead of overwriting the new holder's state. The audit rows
  // go in after every other write of the transaction: the chain head's lock is then held only
  // from there to the commit, and never while the transaction waits for another lock.
  private async updateHeld(
    trx: Transaction<Database>,
    state: IntegrationState,
    owner: string,
    more: Parameters<typeof updateHeldIntegration>[3] = {},
  ): Promise<void> {
    const updated = await updateHeldIntegration(trx, state, owner, more);
    if (!updated) throw new LeaseLostError(state.integration.id);
  }

  // The one place transactions start, so every write that belongs together commits together.
  private inTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
