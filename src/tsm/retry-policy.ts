/**
 * The retry loop shared by TSM calls and the CSP token exchange: exponential backoff with full
 * jitter, Retry-After honoured, a timeout per attempt, a cap on attempts, one deadline for the
 * whole call, and the caller's signal to cancel it. It knows HTTP statuses and network errors,
 * not what the call is for.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { limitTo, type CutCause } from './call-limits.js';
import { cancelledBeforeAttempt, cancelledDuringWait } from './cancelled-failures.js';
import {
  TARGET_LABELS,
  type RetryRun,
  type RetrySettings,
  type RetryTools,
} from './retry-types.js';
import { deadlineBeforeAttempt, deadlineDuringWait, noTimeToRetry } from './deadline-failures.js';
import { attemptOnce, type SettledAttempt } from './single-attempt.js';
import type { TsmAttempt, TsmFailure, TsmResult } from './types.js';

export { isRetryableStatus } from './single-attempt.js';
export type {
  AttemptContext,
  AttemptOutcome,
  RetryRun,
  RetrySettings,
  RetryTools,
} from './retry-types.js';

/** Math.random, a timer and the system clock. */
export const systemRetryTools: RetryTools = {
  random: Math.random,
  sleep: (ms, signal) => delay(ms, undefined, { signal }),
  now: Date.now,
};

type FailedAttempt<T> = Extract<SettledAttempt<T>, { kind: 'failure' }>;

type Decision = { retryInMs: number } | { retryInMs?: undefined; failure: TsmFailure };

/** Makes attempts until one succeeds, one fails for good, attempts run out or time does. */
export async function runWithRetry<T>(
  run: RetryRun<T>,
  settings: RetrySettings,
  tools: RetryTools = systemRetryTools,
): Promise<TsmResult<T>> {
  const first = run.firstAttempt ?? 1;
  const last = Math.max(settings.maxAttempts, first);
  let uncertain = false;
  for (let attempt = first; ; attempt += 1) {
    const stop = reasonToStop(run, tools, attempt - 1);
    if (stop !== undefined) return failed(stop, attempt - 1, uncertain);

    const settled = await attemptOnce(run, settings, tools, attempt);
    if (settled.kind === 'success') {
      report(run, settled.record);
      return { ok: true, value: settled.value, attempts: attempt };
    }
    uncertain ||= settled.uncertain;
    const decision = decide(run, settings, tools, settled, attempt < last);
    if (decision.retryInMs === undefined) {
      report(run, settled.record);
      return failed(decision.failure, attempt, uncertain);
    }

    report(run, { ...settled.record, retryInMs: decision.retryInMs });

    logRetry(run, settled.record, decision.retryInMs);
    const cut = await pause(run, tools, decision.retryInMs);
    if (cut !== undefined) return failed(waitCutShort(run, cut, attempt), attempt, uncertain);
  }
}

/** Why no further attempt may start: the caller cancelled the call, or its deadline passed. */
function reasonToStop<T>(
  run: RetryRun<T>,
  tools: RetryTools,
  attempts: number,
): TsmFailure | undefined {
  if (run.signal?.aborted === true) return cancelledBeforeAttempt(run.target, attempts);
  if (tools.now() >= run.deadline) return deadlineBeforeAttempt(run, attempts);
  return undefined;
}

function decide<T>(
  run: RetryRun<T>,
  settings: RetrySettings,
  tools: RetryTools,
  settled: FailedAttempt<T>,
  attemptsLeft: boolean,
): Decision {
  if (!settled.retryable || !attemptsLeft) return { failure: settled.failure };

  const backoff = fullJitter(settings, settled.record.attempt, tools.random);
  // Retry-After is a floor, even above the backoff cap: the server knows its own recovery.
  const wait = Math.max(backoff, settled.retryAfterMs ?? 0);
  // A wait that ends at or past the deadline leaves no time for the next attempt.
  if (tools.now() + wait >= run.deadline) {
    return { failure: noTimeToRetry(run, settled.failure, wait, settled.retryAfterMs) };
  }
  return { retryInMs: wait };
}

/** Full jitter: a random wait between zero and the exponential ceiling for this attempt. */
function fullJitter(settings: RetrySettings, failedAttempt: number, random: () => number): number {
  const exponential = settings.backoffBaseMs * 2 ** Math.max(0, failedAttempt - 1);
  return Math.round(random() * Math.min(settings.backoffMaxMs, exponential));
}

/** Waits before the next attempt; says what cut the wait short, if anything did. */
async function pause<T>(
  run: RetryRun<T>,
  tools: RetryTools,
  ms: number,
): Promise<CutCause | undefined> {
  const limit = limitTo(run.deadline - tools.now(), 'deadline', run.signal);
  try {
    await tools.sleep(ms, limit.signal);
    return limit.reached();
  } catch {
    // A sleep ends early only when aborted; one that fails otherwise is taken as out of time.
    return limit.reached() ?? 'deadline';
  } finally {
    limit.release();
  }
}

function waitCutShort<T>(run: RetryRun<T>, cut: CutCause, attempts: number): TsmFailure {
  return cut === 'cancelled'
    ? cancelledDuringWait(run.target, attempts)
    : deadlineDuringWait(run, attempts);
}

function report<T>(run: RetryRun<T>, attempt: TsmAttempt): void {
  const { method, path, status, error, durationMs } = attempt;
  run.logger.debug(
    { method, path, attempt: attempt.attempt, status, error, durationMs },
    TARGET_LABELS[run.target].attempt,
  );
  run.onAttempt?.(attempt);
}

function logRetry<T>(run: RetryRun<T>, attempt: TsmAttempt, retryInMs: number): void {
  const { method, path, status, error } = attempt;
  run.logger.warn(
    { method, path, attempt: attempt.attempt, status, error, retryInMs },
    TARGET_LABELS[run.target].retrying,
  );
}

function failed(failure: TsmFailure, attempts: number, uncertain: boolean): TsmResult<never> {
  return { ok: false, failure, attempts, uncertain };
}
