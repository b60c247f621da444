/**
 * What the orchestration tells an observer: how integrations end, how rollbacks and deletions
 * end, what each recovery sweep did and how a repeated Idempotency-Key was answered. Metrics implement it, so
 * the flow itself counts nothing; without an observer it tells no one.
 */

/** A live run answering its caller, or recovery finishing what a run left behind. */
export type RunOrigin = 'live' | 'recovery';

/** How an integration run ended. */
export type EndStatus = 'succeeded' | 'rolled_back' | 'rollback_failed';

/**
 * How a deletion ended. A DELETE that TSM refused because the CA label is in use changed nothing
 * and is not counted: the integration stays succeeded.
 */
export type DeletionEndStatus = 'deleted' | 'delete_failed';

/** What a sweep did, or that it failed before the end. */
export type SweepResult = { recovered: number; purged: number } | { failed: true };

/** How a create with an Idempotency-Key already known was answered. */
export type KeyAnswer = 'replayed' | 'key_reused' | 'in_progress';

/** Learns of the orchestration's events as they happen. */
export interface IntegrationObserver {
  /** A run ended in a terminal status after this long. */
  integrationEnded(origin: RunOrigin, status: EndStatus, durationMs: number): void;
  /** Compensations ended: everything undone, or something left in TSM. */
  rollbackEnded(origin: RunOrigin, status: Exclude<EndStatus, 'succeeded'>): void;
  /** A deletion ended in deleted or delete_failed after this long. */
  deletionEnded(origin: RunOrigin, status: DeletionEndStatus, durationMs: number): void;
  /** A recovery sweep ended. */
  recoverySwept(result: SweepResult): void;
  /** A repeated Idempotency-Key was answered without a new run. */
  keyAnswered(answer: KeyAnswer): void;
}

/** The observer of a service built without one. */
export const SILENT_INTEGRATION_OBSERVER: IntegrationObserver = {
  integrationEnded: () => undefined,
  rollbackEnded: () => undefined,
  deletionEnded: () => undefined,
  recoverySwept: () => undefined,
  keyAnswered: () => undefined,
};
