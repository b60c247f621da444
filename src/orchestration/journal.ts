/**
 * The write-ahead journal of an integration: one entry per change it makes in TSM, recorded (and
 * committed) before the call and updated after it, and again around its compensation. Whoever
 * finishes the integration — its own runner, or the recovery sweep after a crash — reads the
 * journal to know exactly what may be in TSM and how to undo it.
 */
import type { ResourceBody, ResourceKind } from '../domain/resources.js';

/**
 * What became of a write in TSM.
 * intent: recorded before the call; no answer yet (after a crash: unknown, to be read from TSM).
 * applied: TSM confirmed it. not-applied: TSM certainly did not apply it (a definite refusal).
 * uncertain: the call failed in a way that TSM may have applied it (a timeout, a 5xx, a reset).
 */
export type WriteState = 'intent' | 'applied' | 'not-applied' | 'uncertain';

/**
 * What became of the write's compensation; absent until a rollback reaches the entry.
 * intent: recorded before the undoing call. done: undone (deleted, or the snapshot restored).
 * not-needed: TSM never had the write, as a read of TSM showed. failed: the undoing call failed.
 */
export type UndoState = 'intent' | 'done' | 'not-needed' | 'failed';

/** One change an integration makes in TSM. */
export interface JournalEntry {
  /** 1-based, in the order the writes are made; compensations run in reverse. */
  seq: number;
  kind: ResourceKind;
  id: string;
  tsmPath: string;
  /** create: the resource was absent. replace: it existed with other content. */
  change: 'create' | 'replace';
  /** SHA-256 (hex) of the canonical JSON of the body written, to recognise it when read back. */
  bodyFingerprint: string;
  /** For a replace: the body TSM held before, put back by the compensation. */
  snapshot?: ResourceBody;
  write: WriteState;
  undo?: UndoState;
  /** What became of the resource when the integration was deleted; absent until then. */
  removal?: RemovalState;
}

/**
 * intent: recorded before the DELETE; after a crash it is simply sent again (a second DELETE of
 * a gone resource answers 404, which counts as done). done: TSM no longer holds it. failed: TSM
 * refused or never answered; the deletion stopped there.
 */
export type RemovalState = 'intent' | 'done' | 'failed';
