/**
 * The contract of the TSM client: typed outcomes of reads, writes and deletes of the three
 * resources. The client retries what is retryable and reports every attempt; it never decides
 * about rollback, which is the orchestration's job.
 */
import type { ResourceBody, ResourceKind } from '../domain/resources.js';

/** One HTTP attempt against TSM (or CSP), as it is audited. */
export interface TsmAttempt {
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  /** Path on the TSM (or CSP) host, without query string. */
  path: string;
  /** 1-based attempt number within one call. */
  attempt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Short error description when no answer arrived: "timeout", "ECONNRESET", ... */
  error?: string;
  /** When the attempt started, ISO 8601. */
  startedAt: string;
  durationMs: number;
  /** Milliseconds the client will wait before the next attempt; absent on the last one. */
  retryInMs?: number;
}

/** Why a call failed for good. */
export type TsmFailure =
  /** TSM answered a 4xx that retrying cannot change (not 401/403 after renewal: see auth). */
  | { kind: 'rejected'; status: number; message: string; excerpt: string }
  /**
   * No usable answer: every attempt failed with a retryable answer or a network error, or one
   * failed in a way that retrying would not change: a status that is neither success nor refusal
   * (a redirect, a 501), a body too large to read, a body that is not the JSON expected, or an
   * error in the client itself.
   */
  | { kind: 'unavailable'; status?: number; message: string; excerpt?: string }
  /** The deadline passed, or the caller cancelled the call, before it could finish. */
  | { kind: 'timeout'; message: string }
  /** CSP refused the API token, or TSM refused a freshly renewed access token. */
  | { kind: 'auth'; message: string };

/**
 * A call's result. `uncertain` on a failure means TSM may have applied the change even though
 * we saw no success (a timeout or a 5xx after the request was sent).
 */
export type TsmResult<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; failure: TsmFailure; attempts: number; uncertain: boolean };

/** Per-call options. */
export interface TsmCallOptions {
  /** Sent to TSM as X-Request-Id so one integration can be traced across both systems. */
  requestId: string;
  /** Epoch milliseconds after which no new attempt starts and a running one is aborted. */
  deadline: number;
  /** Called after every attempt, successful or not. */
  onAttempt?: (attempt: TsmAttempt) => void;
  /**
   * Aborts the call: no new attempt starts and a running one is cut off; the result is a
   * 'timeout' failure (uncertain for a PUT or DELETE that was under way). The service stopping
   * uses it to hand a running integration over to recovery.
   */
  signal?: AbortSignal;
}

/** The TSM API as the orchestration sees it. */
export interface TsmClient {
  /** The resource's path on TSM, e.g. /tsm/v1alpha1/external-accounts/my-vault-account. */
  resourcePath(kind: ResourceKind, id: string): string;
  /** Reads a resource; `null` when TSM answers 404. */
  getResource(
    kind: ResourceKind,
    id: string,
    options: TsmCallOptions,
  ): Promise<TsmResult<ResourceBody | null>>;
  /** Creates or replaces a resource with exactly this body. */
  putResource(
    kind: ResourceKind,
    id: string,
    body: ResourceBody,
    options: TsmCallOptions,
  ): Promise<TsmResult<void>>;
  /** Deletes a resource; 'absent' when it was already gone (404). */
  deleteResource(
    kind: ResourceKind,
    id: string,
    options: TsmCallOptions,
  ): Promise<TsmResult<'deleted' | 'absent'>>;
  /**
   * Whether an access token can be had now, for the readiness probe; the answer is reused for a
   * while, so probes do not each reach CSP. Never throws.
   */
  checkAccessToken(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Releases connections. */
  close(): Promise<void>;
}
