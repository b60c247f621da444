/**
 * Walks the audit chain from its first record to its head and says whether every record is
 * where the service put it, and if not, the first that was changed, removed or inserted. It
 * reads a page at a time (keyset on the id), so a long trail never sits in memory, and it
 * tolerates records appended while it walks.
 */
import type { AuditChainHead, AuditLink, Store } from '../storage/store.js';
import { GENESIS_HASH, auditRecordHash } from './audit-chain.js';

/** What the verifier reads: the store's chain head and its rows as stored. */
export type AuditChainSource = Pick<Store, 'readAuditChainHead' | 'readAuditLinks'>;

/** How the chain is broken where it first breaks. */
export type ChainBreakKind = 'changed' | 'removed' | 'inserted';

/** The first place the chain breaks. */
export interface ChainBreak {
  kind: ChainBreakKind;
  /** The record at fault; absent for a removed one, which is gone. */
  id?: number;
  /** Its place in the chain: the removed record's, or the one it claims (null: none). */
  sequence: number | null;
  /** What does not fit, in a sentence. */
  reason: string;
}

/** The verifier's answer. */
export interface ChainVerification {
  valid: boolean;
  /** How many records were checked and found in place before the walk ended. */
  checked: number;
  /** The head the walk reached: anchor its hash elsewhere to detect a rewritten chain later. */
  head: AuditChainHead;
  /** Absent when valid. */
  firstBreak?: ChainBreak;
}

/** Rows read per query. */
export const VERIFY_PAGE_SIZE = 500;

/** Where the walk stands: the last record found in place. */
interface Walk {
  afterId: number;
  sequence: number;
  hash: string;
  checked: number;
}

/** Walks the whole chain; resolves with the verdict, rejects only when the store fails. */
export async function verifyAuditChain(
  source: AuditChainSource,
  pageSize = VERIFY_PAGE_SIZE,
): Promise<ChainVerification> {
  const walk: Walk = { afterId: 0, sequence: 0, hash: GENESIS_HASH, checked: 0 };
  let head = await source.readAuditChainHead();
  for (;;) {
    const broken = await walkTo(source, walk, head, pageSize);
    if (broken !== undefined) return verdict(walk, head, broken);

    // A row beyond the head is fine only if the head has moved on to it meanwhile: the head and
    // the records it ends with commit together, so reading the head after the row shows that.
    const [beyond] = await source.readAuditLinks(walk.afterId, 1);
    if (beyond === undefined) return verdict(walk, head);
    const later = await source.readAuditChainHead();
    if (later.sequence <= head.sequence) {
      return verdict(walk, head, inserted(beyond, 'lies beyond the head of the chain'));
    }
    head = later;
  }
}

// Checks records after the walk's position until it reaches `head`; the first break, if any.
async function walkTo(
  source: AuditChainSource,
  walk: Walk,
  head: AuditChainHead,
  pageSize: number,
): Promise<ChainBreak | undefined> {
  while (walk.sequence < head.sequence) {
    const links = await source.readAuditLinks(walk.afterId, pageSize);
    if (links.length === 0) {
      return removed(walk.sequence + 1, `the chain ends before its head (${head.sequence})`);
    }
    for (const link of links) {
      if (walk.sequence >= head.sequence) break;
      const step = checkLink(walk, link);
      if ('kind' in step) return blamed(walk, step);
      Object.assign(walk, { afterId: link.id, ...step, checked: walk.checked + 1 });
    }
  }
  if (walk.hash === head.hash) return undefined;
  return blamed(walk, {
    kind: 'changed',
    id: walk.afterId,
    sequence: walk.sequence,
    reason: HEAD_DIFFERS,
  });
}

// A break may lie with the record the walk last counted as in place (its successor or the head
// disagrees with it); it is then no longer counted.
function blamed(walk: Walk, broken: ChainBreak): ChainBreak {
  if (broken.id !== undefined && broken.id === walk.afterId) walk.checked -= 1;
  return broken;
}

const HEAD_DIFFERS = 'the head of the chain holds another hash for the newest record';

// The break `link` shows when it follows the walk's last record, or its place when it fits.
function checkLink(walk: Walk, link: AuditLink): ChainBreak | { sequence: number; hash: string } {
  const { sequence, hash, previousHash } = link;
  if (sequence === null || hash === null || previousHash === null) {
    return inserted(link, 'has no place in the chain');
  }
  const expected = walk.sequence + 1;
  if (sequence < expected) return inserted(link, `repeats place ${sequence} of the chain`);
  if (sequence > expected) {
    const missing = sequence === expected + 1 ? `${expected}` : `${expected} to ${sequence - 1}`;
    return removed(expected, `record ${missing} missing before record id ${link.id}`);
  }
  if (auditRecordHash({ ...link, sequence }, previousHash) !== hash) {
    return {
      kind: 'changed',
      id: link.id,
      sequence,
      reason: 'its content does not match its hash',
    };
  }
  if (previousHash === walk.hash) return { sequence, hash };
  // A record whose content and hash were both rewritten fits itself, but no longer the hash
  // its successor holds for it; at the start of the chain, the genesis hash plays that part.
  if (walk.checked === 0) {
    return { kind: 'changed', id: link.id, sequence, reason: 'it does not link to the genesis' };
  }
  return {
    kind: 'changed',
    id: walk.afterId,
    sequence: walk.sequence,
    reason: `the next record (id ${link.id}) holds another hash for it`,
  };
}

function inserted(link: AuditLink, reason: string): ChainBreak {
  return { kind: 'inserted', id: link.id, sequence: link.sequence, reason: `it ${reason}` };
}

function removed(sequence: number, reason: string): ChainBreak {
  return { kind: 'removed', sequence, reason };
}

function verdict(walk: Walk, head: AuditChainHead, broken?: ChainBreak): ChainVerification {
  const answer = { valid: broken === undefined, checked: walk.checked, head };
  return broken === undefined ? answer : { ...answer, firstBreak: broken };
}
