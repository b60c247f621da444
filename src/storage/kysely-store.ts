/**
 * The Store over kysely. Nothing here depends on the engine: SQLite opens it today, and the
 * PostgreSQL engine can open the same class over its own dialect.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Integration } from '../orchestration/integration.js';
import { insertAuditRows, selectAuditPage, toAuditRows } from './audit-rows.js';
import { insertIntegration, replaceIntegration, selectIntegration } from './integration-rows.js';
import type { Database } from './schema.js';
import type { AuditEntry, AuditPage, AuditQuery, Store } from './store.js';

/** Where the store's times come from; tests pass a fixed clock. */
export type Clock = () => Date;

/** A Store on a kysely database that is already migrated. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: Clock = () => new Date(),
  ) {}

  /** Stores a new integration and its audit records in one transaction. */
  async createIntegration(integration: Integration, audit: AuditEntry[]): Promise<void> {
    const rows = toAuditRows(audit, this.now());
    await this.inTransaction(async (trx) => {
      await insertIntegration(trx, integration);
      await insertAuditRows(trx, rows);
    });
  }

  /** Replaces the stored integration and appends audit records, atomically. */
  async saveIntegration(integration: Integration, audit: AuditEntry[]): Promise<void> {
    const rows = toAuditRows(audit, this.now());
    await this.inTransaction(async (trx) => {
      await replaceIntegration(trx, integration);
      await insertAuditRows(trx, rows);
    });
  }

  /** The stored integration with this id, if any. */
  getIntegration(id: string): Promise<Integration | undefined> {
    return selectIntegration(this.db, id);
  }

  /** Appends audit records in one transaction. */
  async appendAudit(audit: AuditEntry[]): Promise<void> {
    const rows = toAuditRows(audit, this.now());
    await this.inTransaction((trx) => insertAuditRows(trx, rows));
  }

  /** One page of the audit trail, newest first. */
  queryAudit(query: AuditQuery): Promise<AuditPage> {
    return selectAuditPage(this.db, query);
  }

  /** Resolves when the database answers a trivial query. */
  async ping(): Promise<void> {
    await this.db.selectNoFrom((eb) => eb.lit(1).as('alive')).execute();
  }

  /** Closes the database; the store is unusable afterwards. */
  async close(): Promise<void> {
    await this.db.destroy();
  }

  // The one place transactions start, so the journal, claims and leases of later issues can
  // join the same unit of work.
  private inTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
