/**
 * The tables as kysely sees them. Rows are the storage's own business: the store maps them to
 * and from the contract's types, and nothing outside src/storage/ imports this file.
 * Times are UTC ISO 8601 text with milliseconds, so text order is time order; on PostgreSQL the
 * text columns compare bytewise (collation "C"), as on SQLite.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

/** One integration: a few columns to filter on, the whole document and its journal as JSON. */
export interface IntegrationsTable {
  id: string;
  status: string;
  ca_label: string;
  actor: string;
  request_id: string;
  created_at: string;
  updated_at: string;
  /** The whole Integration, JSON. The columns above are projections of it. */
  document: string;
  /** The write-ahead journal (JournalEntry[]), JSON; '[]' for rows older than the journal. */
  journal: Generated<string>;
  /** The runner that holds the lease; null when nobody does. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** How many times recovery has taken the integration over. */
  recovery_attempts: Generated<number>;
  /** For rollback_failed: when recovery should try again; null for never. */
  retry_recovery_at: string | null;
}

/** One integration's hold on one TSM resource id; the primary key allows one holder. */
export interface ResourceClaimsTable {
  kind: string;
  resource_id: string;
  integration_id: string;
  claimed_at: string;
}

/**
 * A caller's Idempotency-Key, scoped to the caller by the primary key (actor, key_digest). The key
 * itself is never stored, only its digest (idempotency-key-digest.ts).
 */
export interface IdempotencyKeysTable {
  actor: string;
  key_digest: string;
  fingerprint: string;
  integration_id: string;
  created_at: string;
  expires_at: string;
  /** The Integration as its caller was answered, JSON; null until then. */
  answer: string | null;
}

/** One audit record. Append-only: the database refuses UPDATE and DELETE. */
export interface AuditRecordsTable {
  id: Generated<number>;
  at: string;
  action: string;
  actor: string;
  request_id: string;
  integration_id: string | null;
  /** Action-specific facts, JSON. */
  details: string;
  /** Place in the hash chain; the store always writes these, null only on a foreign row. */
  sequence: number | null;
  previous_hash: string | null;
  hash: string | null;
}

/** The one row (id 1) saying where the audit chain ends; writers lock it to append. */
export interface AuditChainHeadTable {
  id: number;
  sequence: number;
  hash: string;
}

/** Every table the store reads or writes. */
export interface Database {
  integrations: IntegrationsTable;
  resource_claims: ResourceClaimsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_records: AuditRecordsTable;
  audit_chain_head: AuditChainHeadTable;
}

/** An integrations row as written. */
export type NewIntegrationRow = Insertable<IntegrationsTable>;

/** An idempotency key row as read. */
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

/** An audit row as read. */
export type AuditRow = Selectable<AuditRecordsTable>;

/** An audit row as written; the id comes from the database. */
export type NewAuditRow = Insertable<AuditRecordsTable>;
