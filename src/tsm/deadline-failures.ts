/**
 * The failures of a call that the integration's deadline ended, each saying what happened: no
 * attempt was made, TSM had not answered, a wait was cut short, or no time was left to try again
 * (and whether TSM's own Retry-After asked for that wait).
 */
import { TARGET_LABELS, type RetryRun } from './retry-types.js';
import type { TsmFailure } from './types.js';

/** The deadline had passed before the next attempt could start. */
export function deadlineBeforeAttempt<T>(run: RetryRun<T>, attempts: number): TsmFailure {
  const name = TARGET_LABELS[run.target].name;
  const message =
    attempts === 0
      ? `the integration's deadline had passed before ${name} was called`
      : `the integration's deadline passed after ${attempts} ${name} attempt(s)`;
  return timeout(message);
}

/** An attempt still waiting for its answer when the deadline passed. */
export function deadlineDuringAttempt<T>(run: RetryRun<T>): TsmFailure {
  const name = TARGET_LABELS[run.target].name;
  return timeout(`${name} had not answered when the integration's deadline passed`);
}

/** A wait before the next attempt that the deadline cut short. */
export function deadlineDuringWait<T>(run: RetryRun<T>, attempts: number): TsmFailure {
  const name = TARGET_LABELS[run.target].name;
  return timeout(
    `the integration's deadline passed while waiting to try ${name} again ` +
      `after ${attempts} attempt(s)`,
  );
}

/**
 * A retryable failure whose wait would end past the deadline. When Retry-After set the wait, the
 * message says TSM asked for it: nothing timed out, and TSM did answer.
 */
export function noTimeToRetry<T>(
  run: RetryRun<T>,
  last: TsmFailure,
  waitMs: number,
  retryAfterMs: number | undefined,
): TsmFailure {
  const name = TARGET_LABELS[run.target].name;
  if (retryAfterMs !== undefined && retryAfterMs >= waitMs) {
    const seconds = Math.ceil(retryAfterMs / 1000);
    return timeout(
      `${name} asked to wait ${seconds} s (Retry-After), past the integration's deadline`,
    );
  }
  return timeout(`${last.message}; the integration's deadline left no time to try again`);
}

function timeout(message: string): TsmFailure {
  return { kind: 'timeout', message };
}
