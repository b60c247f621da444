/**
 * Attempts scripted step by step for unit tests of the retry policy, with a fake clock that moves
 * only when the policy waits, so that every wait and deadline is exact.
 */
import { pino } from 'pino';
import type {
  AttemptOutcome,
  RetryRun,
  RetrySettings,
  RetryTools,
} from '../../../src/tsm/retry-policy.js';
import type { TsmAttempt } from '../../../src/tsm/types.js';

export const SETTINGS: RetrySettings = {
  maxAttempts: 5,
  attemptTimeoutMs: 1_000,
  backoffBaseMs: 200,
  backoffMaxMs: 1_000,
};

export const T0 = Date.UTC(2030, 0, 1);

export type Step = AttemptOutcome<string> | Error;

/** A fake clock that moves only when the policy sleeps, and records each wait. */
export function fakeTools(
  random = () => 1,
): RetryTools & { sleeps: number[]; clock: { now: number } } {
  const clock = { now: T0 };
  const sleeps: number[] = [];
  return {
    clock,
    sleeps,
    random,
    now: () => clock.now,
    sleep: (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
  };
}

export function scriptedRun(steps: Step[], overrides: Partial<RetryRun<string>> = {}) {
  const reported: TsmAttempt[] = [];
  const run: RetryRun<string> = {
    target: 'tsm',
    method: 'PUT',
    path: '/tsm/v1alpha1/external-accounts/a',
    deadline: T0 + 60_000,
    logger: pino({ level: 'silent' }),
    onAttempt: (attempt) => reported.push(attempt),
    attempt: () => {
      const step = steps.shift();
      if (step === undefined) throw new Error('attempt not scripted');
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    },
    ...overrides,
  };
  return { run, reported };
}

export const ok: Step = { kind: 'success', status: 200, value: 'done' };

export function unavailable(status: number, retryAfter?: string): Step {
  const failure = { kind: 'unavailable' as const, status, message: `answered ${status}` };
  return retryAfter === undefined
    ? { kind: 'failure', status, failure }
    : { kind: 'failure', status, failure, retryAfter };
}

export function networkError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** A pending attempt that fails only when its signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}
