/**
 * One attempt of a call, bounded by its timeout and by the call's deadline, and what its answer
 * or its error means: retryable or not, and whether a change may have been applied unseen.
 */
import { classifyNetworkError } from './network-errors.js';
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
  const limit = limitAttempt(settings.attemptTimeoutMs, run.deadline - startedAt);
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
    return thrownFailure(run, thrown, limit.abortedBy(), record());
  } finally {
    limit.clear();
  }
}

/** The failure of a call that ran out of time after this many attempts. */
export function deadlineReached<T>(run: RetryRun<T>, attempts: number): TsmFailure {
  const name = TARGET_LABELS[run.target].name;
  return { kind: 'timeout', message: `deadline reached after ${attempts} ${name} attempt(s)` };
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
    // A 5xx may come after the change was made; a 4xx says it was not.
    uncertain: changesState(run.method) && outcome.status >= 500,
    retryAfterMs: parseRetryAfter(outcome.retryAfter, now),
    record,
  };
}

function thrownFailure<T>(
  run: RetryRun<T>,
  thrown: unknown,
  abortedBy: 'timeout' | 'deadline' | undefined,
  record: TsmAttempt,
): SettledAttempt<T> {
  // Once sent, a change may be applied even though its answer never came.
  const mayHaveChanged = changesState(run.method);
  const labels = TARGET_LABELS[run.target];
  if (abortedBy === 'deadline') {
    const failure = deadlineReached(run, record.attempt);
    const settled = { failure, retryable: false, uncertain: mayHaveChanged };
    return { kind: 'failure', ...settled, record: { ...record, error: 'deadline' } };
  }
  if (abortedBy === 'timeout') {
    const failure = unavailable(`${labels.name} did not answer in time`);
    const settled = { failure, retryable: true, uncertain: mayHaveChanged };
    return { kind: 'failure', ...settled, record: { ...record, error: 'timeout' } };
  }

  const network = classifyNetworkError(thrown);
  if (network.unexpected) run.logger.error({ err: errorSummary(thrown) }, labels.fault);
  return {
    kind: 'failure',
    failure: unavailable(`${labels.name} could not be reached: ${network.error}`),
    retryable: network.retryable,
    uncertain: mayHaveChanged && network.mayHaveReachedServer,
    record: { ...record, error: network.error },
  };
}

/** A signal that aborts at the attempt timeout or at the deadline, whichever comes first. */
function limitAttempt(timeoutMs: number, untilDeadlineMs: number) {
  const controller = new AbortController();
  const cause = untilDeadlineMs <= timeoutMs ? 'deadline' : 'timeout';
  const timer = setTimeout(
    () => controller.abort(new DOMException(`attempt aborted at its ${cause}`, 'TimeoutError')),
    Math.max(0, Math.min(timeoutMs, untilDeadlineMs)),
  );
  return {
    signal: controller.signal,
    abortedBy: () => (controller.signal.aborted ? cause : undefined),
    clear: () => clearTimeout(timer),
  };
}

function unavailable(message: string): TsmFailure {
  return { kind: 'unavailable', message };
}

function changesState(method: TsmAttempt['method']): boolean {
  return method === 'PUT' || method === 'DELETE';
}

// Only the name: an unexpected error's message could quote a header value.
function errorSummary(thrown: unknown): { name: string } {
  return { name: thrown instanceof Error ? thrown.name : typeof thrown };
}
