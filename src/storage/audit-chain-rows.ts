/**
 * The audit trail as a hash chain in the database: appending links each record to the one before
 * it, and reading the rows back, oldest first, for the verifier and the export. Appends from any
 * number of transactions, processes or replicas form one chain because each takes the chain's
 * head row under a lock, in the transaction that inserts its records, and moves it on.
 */
import type { Kysely } from 'kysely';
import { auditRecordHash } from '../audit/audit-chain.js';
import { selectFilteredAudit, toAuditRecord } from './audit-rows.js';
import { engineOf } from './migrations/engine.js';
import { checkPageLimit } from './page-limit.js';
import type { AuditRow, Database, NewAuditRow } from './schema.js';
import type { AuditChainHead, AuditFilter, AuditLink, ChainedAuditRecord } from './store.js';

const HEAD_ID = 1;

/**
 * Appends the rows to the chain; `trx` must be a transaction, and this should be its last write:
 * the head's lock is held until it commits, so every other append waits that long.
 */
export async function appendChainedRows(trx: Kysely<Database>, rows: NewAuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  let { sequence, hash } = await lockChainHead(trx);

  const chained = rows.map((row) => {
    const previousHash = hash;
    sequence += 1;
    hash = auditRecordHash(chainedFieldsOf({ ...row, sequence }), previousHash);
    return { ...row, sequence, previous_hash: previousHash, hash };
  });
  await trx.insertInto('audit_records').values(chained).execute();
  await trx
    .updateTable('audit_chain_head')
    .set({ sequence, hash })
    .where('id', '=', HEAD_ID)
    .execute();
}

/** Where the chain ends, as last committed. */
export async function selectChainHead(db: Kysely<Database>): Promise<AuditChainHead> {
  const head = await db
    .selectFrom('audit_chain_head')
    .select(['sequence', 'hash'])
    .where('id', '=', HEAD_ID)
    .executeTakeFirstOrThrow();
  return { sequence: head.sequence, hash: head.hash };
}

/** Rows as stored with ids above `afterId`, oldest first. */
export async function selectAuditLinks(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
): Promise<AuditLink[]> {
  checkPageLimit(limit);
  const rows = await db
    .selectFrom('audit_records')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toAuditLink);
}

/** Records the filter selects with ids above `afterId`, oldest first. */
export async function selectExportPage(
  db: Kysely<Database>,
  filter: AuditFilter,
  afterId: number,
  limit: number,
): Promise<ChainedAuditRecord[]> {
  checkPageLimit(limit);
  const select = selectFilteredAudit(db, filter).where('id', '>', afterId);
  const rows = await select.orderBy('id', 'asc').limit(limit).execute();
  return rows.map(toChainedRecord);
}

// PostgreSQL runs transactions side by side, so the head row is locked explicitly (a waiting
// append then reads the head its predecessor committed). SQLite's transactions begin IMMEDIATE
// and so run one at a time already; it has no FOR UPDATE.
async function lockChainHead(trx: Kysely<Database>): Promise<AuditChainHead> {
  let select = trx
    .selectFrom('audit_chain_head')
    .select(['sequence', 'hash'])
    .where('id', '=', HEAD_ID);
  if (engineOf(trx as Kysely<unknown>) === 'postgres') select = select.forUpdate();
  const head = await select.executeTakeFirstOrThrow();
  return { sequence: head.sequence, hash: head.hash };
}

function chainedFieldsOf(row: NewAuditRow & { sequence: number }) {
  return {
    sequence: row.sequence,
    at: row.at,
    action: row.action,
    actor: row.actor,
    requestId: row.request_id,
    integrationId: row.integration_id ?? null,
    details: row.details,
  };
}

function toAuditLink(row: AuditRow): AuditLink {
  return {
    id: row.id,
    sequence: row.sequence,
    previousHash: row.previous_hash,
    hash: row.hash,
    at: row.at,
    action: row.action,
    actor: row.actor,
    requestId: row.request_id,
    integrationId: row.integration_id,
    details: row.details,
  };
}

function toChainedRecord(row: AuditRow): ChainedAuditRecord {
  return {
    ...toAuditRecord(row),
    sequence: row.sequence,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
