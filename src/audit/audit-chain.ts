/**
 * The audit trail's hash chain: how one stored record is encoded and hashed, so that a record
 * changed, removed or inserted behind the service's back no longer fits the records around it.
 * The storage writes with it, the verifier checks with it, and a SIEM can recompute it from an
 * export, so the encoding is fixed here once and versioned.
 */
import { createHash } from 'node:crypto';

/** The hash the first record of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the encoding below; a new encoding would take a new tag and leave old records alone. */
export const CHAIN_ENCODING = 'tsm-vault-integrations/audit-chain/v1';

/** What the hash covers: a record's place and its fields, exactly as they are stored. */
export interface ChainedFields {
  sequence: number;
  /** The stored time text (UTC ISO 8601 with milliseconds), not a reformatted one. */
  at: string;
  action: string;
  actor: string;
  requestId: string;
  integrationId: string | null;
  /** The stored details text (JSON), hashed as stored: no re-serialization can change it. */
  details: string;
}

/**
 * The canonical text of a record: a JSON array in a fixed order (encoding tag, sequence, the
 * previous record's hash, at, action, actor, request id, integration id or null, details text).
 * An array rather than an object, so that no key order or serializer can vary it.
 */
export function canonicalAuditText(fields: ChainedFields, previousHash: string): string {
  return JSON.stringify([
    CHAIN_ENCODING,
    fields.sequence,
    previousHash,
    fields.at,
    fields.action,
    fields.actor,
    fields.requestId,
    fields.integrationId,
    fields.details,
  ]);
}

/** The record's hash: SHA-256 of its canonical text (UTF-8), lowercase hex. */
export function auditRecordHash(fields: ChainedFields, previousHash: string): string {
  return createHash('sha256')
    .update(canonicalAuditText(fields, previousHash), 'utf8')
    .digest('hex');
}
