/**
 * One attempt of a call, bounded by its timeout, by the call's deadline and by the caller's
 * signal, and what its answer or its error means: retryable or not, and whether a change may have
 * been applied unseen.
 */
import { limitTo, type CutCause } from './call-limits.js';
import { cancelledDuringAttempt } from './cancelled-failures.js';
import { deadlineDuringAttempt } from './deadline-failures.js';
import { classifyNetworkError, type NetworkError } from './network-errors.js';
import { parseRetryAfter } from './retry-after.js';
import {
  TARGET_LABELS,
  type AttemptOutcome,
  type RetryRun,
  type RetrySettings,
  type RetryTools,
} from './retry-types.js';
import type { TsmAttempt, TsmFailure } from './types.js';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Whether an answer with this status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** A finished attempt, with its audit record. */
export type SettledAttempt<T> =
  | { kind: 'success'; value: T; record: TsmAttempt }
  | {
      kind: 'failure';
      failure: TsmFailure;
      retryable: boolean;
      /** The attempt may have changed TSM although it did not succeed. */
      uncertain: boolean;
      retryAfterMs?: number | undefined;
      record: TsmAttempt;
    };

/** Makes one attempt and settles it; never throws for a network error or an abort. */
export async function attemptOnce<T>(
  run: RetryRun<T>,
  settings: RetrySettings,
  tools: RetryTools,
  attempt: number,
): Promise<SettledAttempt<T>> {
  const startedAt = tools.now();
  const limit = limitAttempt(run, settings.attemptTimeoutMs, run.deadline - startedAt);
  const record = (status?: number): TsmAttempt => ({
    method: run.method,
    path: run.path,
    attempt,
    ...(status === undefined ? {} : { status }),
    startedAt: new Date(startedAt).toISOString(),
    durationMs: tools.now() - startedAt,
  });
  try {
    const outcome = await run.attempt({ attempt, signal: limit.signal });
    if (outcome.kind === 'success') {
      return { kind: 'success', value: outcome.value, record: record(outcome.status) };
    }
    return answeredFailure(run, outcome, tools.now(), record(outcome.status));
  } catch (thrown) {
    const abort = { by: limit.reached(), timeoutMs: settings.attemptTimeoutMs };
    return thrownFailure(run, thrown, abort, record());
  } finally {
    limit.release();
  }
}

function answeredFailure<T>(
  run: RetryRun<T>,
  outcome: Extract<AttemptOutcome<T>, { kind: 'failure' }>,
  now: number,
  record: TsmAttempt,
): SettledAttempt<T> {
  return {
    kind: 'failure',
    failure: outcome.failure,
    retryable: isRetryableStatus(outcome.status),
    // Only a 4xx says the change was not made; a 5xx, a redirect or a 1xx may come after it.
    uncertain: changesState(run.method) && !isClientError(outcome.status),
    retryAfterMs: parseRetryAfter(outcome.retryAfter, now),
    record,
  };
}

function thrownFailure<T>(
  run: RetryRun<T>,
  thrown: unknown,
  abort: { by: CutCause | undefined; timeoutMs: number },
  record: TsmAttempt,
): SettledAttempt<T> {
  // Once sent, a change may be applied even though its answer never came.
  const mayHaveChanged = changesState(run.method);
  const labels = TARGET_LABELS[run.target];
  if (abort.by !== undefined) {
    const cut = cutShort(run, abort.by, abort.timeoutMs);
    const cutRecord = { ...record, error: abort.by };
    return { kind: 'failure', ...cut, uncertain: mayHaveChanged, record: cutRecord };
  }

  const network = classifyNetworkError(thrown);
  if (network.unexpected) run.logger.error({ err: errorSummary(thrown) }, labels.fault);
  return {
    kind: 'failure',
    failure: unavailable(networkMessage(labels.name, network)),
    retryable: network.retryable,
    uncertain: mayHaveChanged && network.mayHaveReachedServer,
    record: { ...record, error: network.error },
  };
}

/** Aborts at the attempt timeout, at the deadline or at the caller's cancel, whichever is first. */
function limitAttempt<T>(run: RetryRun<T>, timeoutMs: number, untilDeadlineMs: number) {
  return untilDeadlineMs <= timeoutMs
    ? limitTo(untilDeadlineMs, 'deadline', run.signal)
    : limitTo(timeoutMs, 'timeout', run.signal);
}

/** What an attempt cut short fails with; only its own timeout leaves the call worth retrying. */
function cutShort<T>(
  run: RetryRun<T>,
  by: CutCause,
  timeoutMs: number,
): { failure: TsmFailure; retryable: boolean } {
  if (by === 'deadline') return { failure: deadlineDuringAttempt(run), retryable: false };
  if (by === 'cancelled') return { failure: cancelledDuringAttempt(run.target), retryable: false };

  const name = TARGET_LABELS[run.target].name;
  return { failure: unavailable(`${name} did not answer within ${timeoutMs} ms`), retryable: true };
}

/** Says whether the request never left, or the connection failed once it may have. */
function networkMessage(name: string, network: NetworkError): string {
  if (network.unexpected) return `the call to ${name} failed unexpectedly`;
  return network.mayHaveReachedServer
    ? `the connection to ${name} failed: ${network.error}`
    : `${name} could not be reached: ${network.error}`;
}

function unavailable(message: string): TsmFailure {
  return { kind: 'unavailable', message };
}

function isClientError(status: number): boolean {
  return status >= 400 && status < 500;
}

function changesState(method: TsmAttempt['method']): boolean {
  return method === 'PUT' || method === 'DELETE';
}

// Only the name: an unexpected error's message could quote a header value.
function errorSummary(thrown: unknown): { name: string } {
  return { name: thrown instanceof Error ? thrown.name : typeof thrown };
}
