/**
 * Every action an audit record can carry: the one list the writers are typed against, the
 * `action` filter of the audit endpoints accepts, and the README's table of actions mirrors.
 */
export const AUDIT_ACTIONS = [
  'http.request',
  'integration.validation_failed',
  'integration.previewed',
  'integration.started',
  'integration.preflight_checked',
  'integration.planned',
  'journal.intent',
  'tsm.call',
  'journal.outcome',
  'resource.written',
  'integration.rolling_back',
  'journal.undo_intent',
  'compensation.not_needed',
  'compensation.succeeded',
  'compensation.failed',
  'compensation.verified',
  'integration.succeeded',
  'integration.rolled_back',
  'integration.rollback_failed',
  'integration.handed_over',
  'recovery.started',
  'integration.deletion_started',
  'integration.delete_refused',
  'deletion.resumed',
  'journal.removal_intent',
  'resource.deleted',
  'deletion.step_failed',
  'integration.deleted',
  'integration.delete_failed',
  'callback.delivered',
  'callback.failed',
] as const;

/** The action of an audit record. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
