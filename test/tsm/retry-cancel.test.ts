import { describe, expect, it } from 'vitest';
import { runWithRetry, type AttemptOutcome } from '../../src/tsm/retry-policy.js';
import {
  SETTINGS,
  fakeTools,
  ok,
  scriptedRun,
  unavailable,
  untilAborted,
} from './support/scripted-attempts.js';

function cancelled(message: string) {
  return { kind: 'timeout', message };
}

describe('the retry policy, cancelled by its caller', () => {
  it('starts no attempt when the signal has already aborted', async () => {
    const { run, reported } = scriptedRun([ok], { signal: AbortSignal.abort() });

    const result = await runWithRetry(run, SETTINGS, fakeTools());

    expect(result).toEqual({
      ok: false,
      attempts: 0,
      uncertain: false,
      failure: cancelled('the call to TSM was cancelled before it was made'),
    });
    expect(reported).toEqual([]);
  });

  it.each([
    ['PUT', true],
    ['DELETE', true],
    ['GET', false],
  ] as const)(
    'cuts off a running %s without retrying it; uncertain: %s',
    async (method, uncertain) => {
      const cancel = new AbortController();
      const { run, reported } = scriptedRun([], {
        method,
        signal: cancel.signal,
        attempt: ({ signal }) => {
          const answer = untilAborted(signal);
          cancel.abort();
          return answer;
        },
      });

      const result = await runWithRetry(run, SETTINGS, fakeTools());

      expect(result).toEqual({
        ok: false,
        attempts: 1,
        uncertain,
        failure: cancelled('the call to TSM was cancelled while waiting for its answer'),
      });
      expect(reported).toMatchObject([{ attempt: 1, error: 'cancelled' }]);
    },
  );

  it('starts no further attempt even when the wait does not heed the signal', async () => {
    const cancel = new AbortController();
    const steps = [unavailable(503), ok];
    const { run } = scriptedRun([], {
      signal: cancel.signal,
      attempt: () => {
        cancel.abort();
        return Promise.resolve(steps.shift() as AttemptOutcome<string>);
      },
    });

    const result = await runWithRetry(run, SETTINGS, fakeTools());

    expect(result).toEqual({
      ok: false,
      attempts: 1,
      uncertain: true,
      failure: cancelled(
        'the call to TSM was cancelled while waiting to try again after 1 attempt(s)',
      ),
    });
    expect(steps).toEqual([ok]);
  });

  it('names CSP when the token exchange is cancelled', async () => {
    const { run } = scriptedRun([ok], {
      target: 'csp',
      method: 'POST',
      signal: AbortSignal.abort(),
    });

    const result = await runWithRetry(run, SETTINGS, fakeTools());

    expect(result.ok || result.failure.message).toBe(
      'the call to CSP was cancelled before it was made',
    );
  });
});
