/**
 * The retry loop shared by TSM calls and the CSP token exchange: exponential backoff with full
 * jitter, Retry-After honoured, a timeout per attempt, a cap on attempts, and one deadline for the
 * whole call. It knows HTTP statuses and network errors, not what the call is for.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  TARGET_LABELS,
  type RetryRun,
  type RetrySettings,
  type RetryTools,
} from './retry-types.js';
import { attemptOnce, deadlineReached, type SettledAttempt } from './single-attempt.js';
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

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

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
    if (tools.now() >= run.deadline) {
      return failed(deadlineReached(run, attempt - 1), attempt - 1, uncertain);
    }

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
    const waited = await pause(tools, decision.retryInMs, run.deadline);
    if (!waited) return failed(deadlineReached(run, attempt), attempt, uncertain);
  }
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
    return { failure: deadlineReached(run, settled.record.attempt) };
  }
  return { retryInMs: wait };
}

/** Full jitter: a random wait between zero and the exponential ceiling for this attempt. */
function fullJitter(settings: RetrySettings, failedAttempt: number, random: () => number): number {
  const exponential = settings.backoffBaseMs * 2 ** Math.max(0, failedAttempt - 1);
  return Math.round(random() * Math.min(settings.backoffMaxMs, exponential));
}

async function pause(tools: RetryTools, ms: number, deadline: number): Promise<boolean> {
  const untilDeadline = Math.min(MAX_TIMER_MS, Math.max(0, deadline - tools.now()));
  try {
    await tools.sleep(ms, AbortSignal.timeout(untilDeadline));
    return true;
  } catch {
    return false;
  }
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
