/**
 * An integration as it is stored and answered: its status, what happened to each TSM resource,
 * each step's attempts and timings, and the warnings. Free of secrets by construction: it holds
 * certificate summaries, never a PEM that was refused, and no token.
 */
import type { Warning } from '../domain/findings.js';
import type { ResourceKind } from '../domain/resources.js';
import type { VaultPreflight } from '../vault/preflight-report.js';

export const INTEGRATION_STATUSES = [
  'in_progress',
  'succeeded',
  'rolling_back',
  'rolled_back',
  'rollback_failed',
  'deleting',
  'deleted',
  'delete_failed',
] as const;

/**
 * in_progress: steps are running. succeeded: all of it is in TSM. rolling_back: a step failed
 * for good and compensations are running. rolled_back: none of it is in TSM (nothing was changed,
 * or every change was undone). rollback_failed: a compensation failed; `leftInTsm` says what stays.
 * deleting: a DELETE is removing what the integration made. deleted: it is gone from TSM.
 * delete_failed: the deletion stopped; `leftInTsm` says what stays, and DELETE may be sent again.
 */
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

/**
 * What the integration did to one resource.
 * created / replaced / unchanged / referenced: the forward outcome.
 * pending: not reached (yet). failed: its write failed.
 * deleted / restored: undone by a compensation, or deleted by a teardown.
 */
export type ResourceOutcome =
  | 'pending'
  | 'created'
  | 'replaced'
  | 'unchanged'
  | 'referenced'
  | 'failed'
  | 'deleted'
  | 'restored';

export interface ResourceReport {
  kind: ResourceKind;
  id: string;
  /** Path of the resource on TSM. */
  tsmPath: string;
  outcome: ResourceOutcome;
}

/** One HTTP call attempt to TSM, as shown in the answer. */
export interface AttemptReport {
  attempt: number;
  /** Only for an attempt of another call made on the step's behalf: the CSP token exchange. */
  method?: 'POST';
  path?: string;
  status?: number;
  error?: string;
  startedAt: string;
  durationMs: number;
}

/** One step of the integration: a read, a write or a compensation of one resource. */
export interface StepReport {
  name: 'read' | 'write' | 'compensate' | 'delete';
  kind: ResourceKind;
  method: 'GET' | 'PUT' | 'DELETE';
  tsmPath: string;
  /** succeeded or failed; for a compensation also what it did. */
  result: 'succeeded' | 'failed';
  startedAt: string;
  durationMs: number;
  attempts: AttemptReport[];
}

/** Why an integration did not succeed, as stored and as answered in problem details. */
export interface IntegrationFailure {
  /** Stable error code from the registry in src/errors.ts, e.g. TSM_UNAVAILABLE. */
  code: string;
  detail: string;
  /** The resource whose step failed, when one did. */
  kind?: ResourceKind;
  id?: string;
  /** HTTP status TSM answered, when it answered. */
  tsmStatus?: number;
  /** Bounded excerpt of TSM's error body, when there was one. */
  tsmExcerpt?: string;
  /** For ROLLBACK_FAILED: the code of the failure that started the rollback. */
  causeCode?: string;
  /** For ROLLBACK_FAILED: the detail of the failure that started the rollback. */
  causeDetail?: string;
  /** For TSM_RESOURCE_EXISTS: every resource found in TSM with other content. */
  conflicts?: ResourceConflict[];
}

/** A resource that exists in TSM with content other than what the integration would write. */
export interface ResourceConflict {
  kind: ResourceKind;
  id: string;
  tsmPath: string;
  /** JSON pointers into the TSM body of the fields that differ, e.g. /provider_url. */
  differingFields: string[];
}

/** A resource a failed rollback or deletion left in TSM, and in what state. */
export interface LeftoverResource {
  kind: ResourceKind;
  id: string;
  tsmPath: string;
  /**
   * created-not-deleted: our new resource is still there. replaced-not-restored: ours replaced
   * theirs. unverified: a write, an undo or a teardown DELETE got no clear answer (no answer, or
   * a 5xx) and reading the resource back failed too. not-deleted: a teardown did not reach it, or
   * its DELETE failed and TSM, read back, still holds it.
   */
  state: 'created-not-deleted' | 'replaced-not-restored' | 'unverified' | 'not-deleted';
}

/** The integration as stored and returned by GET /vault-integrations/{id}. */
export interface Integration {
  id: string;
  status: IntegrationStatus;
  /** CA label to onboard clusters with. */
  caLabel: string;
  actor: string;
  requestId: string;
  onExisting: 'reject' | 'replace';
  resources: ResourceReport[];
  steps: StepReport[];
  warnings: Warning[];
  failure?: IntegrationFailure;
  leftInTsm?: LeftoverResource[];
  /** The DELETE that took the integration down, once one was accepted. */
  deletion?: DeletionReport;
  /** What the Vault preflight found, when it ran. */
  preflight?: VaultPreflight;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** Who asked to delete an integration, and when the deletion started and ended. */
export interface DeletionReport {
  actor: string;
  requestId: string;
  startedAt: string;
  finishedAt?: string;
}
