/**
 * The tables as kysely sees them. Rows are the storage's own business: the store maps them to
 * and from the contract's types, and nothing outside src/storage/ imports this file.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

/** One integration: a few columns to filter on, and the whole document as JSON text. */
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
}

/** One audit record. Append-only: the database refuses UPDATE and DELETE. */
export interface AuditRecordsTable {
  id: Generated<number>;
  /** ISO 8601, UTC, with milliseconds, so text order is time order. */
  at: string;
  action: string;
  actor: string;
  request_id: string;
  integration_id: string | null;
  /** Action-specific facts, JSON. */
  details: string;
}

/** Every table the store reads or writes. */
export interface Database {
  integrations: IntegrationsTable;
  audit_records: AuditRecordsTable;
}

/** An integrations row as read. */
export type IntegrationRow = Selectable<IntegrationsTable>;

/** An audit row as read. */
export type AuditRow = Selectable<AuditRecordsTable>;

/** An audit row as written; the id comes from the database. */
export type NewAuditRow = Insertable<AuditRecordsTable>;
