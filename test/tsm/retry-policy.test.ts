import { describe, expect, it } from 'vitest';
import { runWithRetry, type AttemptOutcome } from '../../src/tsm/retry-policy.js';
import {
  SETTINGS,
  T0,
  fakeTools,
  networkError,
  ok,
  scriptedRun,
  unavailable,
  untilAborted,
} from './support/scripted-attempts.js';

describe('the retry policy', () => {
  it('waits a full-jitter backoff that doubles per attempt up to the cap', async () => {
    const tools = fakeTools();
    const { run } = scriptedRun([
      unavailable(503),
      unavailable(503),
      unavailable(503),
      unavailable(503),
      ok,
    ]);

    const result = await runWithRetry(run, SETTINGS, tools);

    expect(result).toEqual({ ok: true, value: 'done', attempts: 5 });
    expect(tools.sleeps).toEqual([200, 400, 800, 1_000]);
  });

  it('draws each wait at random between zero and the ceiling', async () => {
    const tools = fakeTools(() => 0.25);
    const { run } = scriptedRun([unavailable(500), unavailable(502), ok]);

    await runWithRetry(run, SETTINGS, tools);

    expect(tools.sleeps).toEqual([50, 100]);
  });

  it('waits at least as long as Retry-After asks, even past the backoff cap', async () => {
    const tools = fakeTools(() => 0);
    // The date is reached 3 s after the first wait of 5 s ends.
    const date = new Date(T0 + 8_000).toUTCString();
    const { run } = scriptedRun([unavailable(429, '5'), unavailable(503, date), ok]);

    await runWithRetry(run, SETTINGS, tools);

    expect(tools.sleeps).toEqual([5_000, 3_000]);
  });

  it('reports every attempt, with the wait that follows all but the last', async () => {
    const tools = fakeTools();
    const { run, reported } = scriptedRun([unavailable(503), networkError('ECONNRESET'), ok]);

    await runWithRetry(run, SETTINGS, tools);

    expect(
      reported.map(({ attempt, status, error, retryInMs }) => ({
        attempt,
        status,
        error,
        retryInMs,
      })),
    ).toEqual([
      { attempt: 1, status: 503, error: undefined, retryInMs: 200 },
      { attempt: 2, status: undefined, error: 'ECONNRESET', retryInMs: 400 },
      { attempt: 3, status: 200, error: undefined, retryInMs: undefined },
    ]);
    expect(reported[0]).toMatchObject({ method: 'PUT', path: '/tsm/v1alpha1/external-accounts/a' });
    expect(reported[0]?.startedAt).toBe(new Date(T0).toISOString());
  });

  it('gives up as unavailable when the attempts run out, keeping the last answer', async () => {
    const tools = fakeTools();
    const { run } = scriptedRun([unavailable(503), unavailable(503), unavailable(502)]);

    const result = await runWithRetry(run, { ...SETTINGS, maxAttempts: 3 }, tools);

    expect(result).toMatchObject({ ok: false, attempts: 3, uncertain: true });
    expect(result.ok || result.failure).toEqual({
      kind: 'unavailable',
      status: 502,
      message: 'answered 502',
    });
    expect(tools.sleeps).toHaveLength(2);
  });

  it('never retries a 4xx other than 408 and 429', async () => {
    const tools = fakeTools();
    const failure = { kind: 'rejected' as const, status: 422, message: 'no', excerpt: '' };
    const { run } = scriptedRun([{ kind: 'failure', status: 422, failure }, ok]);

    const result = await runWithRetry(run, SETTINGS, tools);

    expect(result).toEqual({ ok: false, failure, attempts: 1, uncertain: false });
    expect(tools.sleeps).toEqual([]);
  });

  it('retries 408 and 429 without calling the change uncertain', async () => {
    const tools = fakeTools();
    const { run } = scriptedRun([unavailable(408), unavailable(429)]);

    const result = await runWithRetry(run, { ...SETTINGS, maxAttempts: 2 }, tools);

    expect(result).toMatchObject({ ok: false, attempts: 2, uncertain: false });
  });

  it('ends as timeout, without sleeping, when the next wait ends past the deadline', async () => {
    const tools = fakeTools();
    const { run } = scriptedRun([unavailable(503, '120')], { deadline: T0 + 60_000 });

    const result = await runWithRetry(run, SETTINGS, tools);

    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'timeout' } });
    expect(tools.sleeps).toEqual([]);
  });

  it('starts no attempt once the deadline has passed', async () => {
    const tools = fakeTools();
    const { run, reported } = scriptedRun([ok], { deadline: T0 });

    const result = await runWithRetry(run, SETTINGS, tools);

    expect(result).toMatchObject({ ok: false, attempts: 0, uncertain: false });
    expect(result.ok || result.failure.kind).toBe('timeout');
    expect(reported).toEqual([]);
  });

  it('ends as timeout when the wait is cut short at the deadline', async () => {
    const tools = { ...fakeTools(), sleep: () => Promise.reject(new Error('aborted')) };
    const { run } = scriptedRun([unavailable(503), ok]);

    const result = await runWithRetry(run, SETTINGS, tools);

    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'timeout' } });
  });

  it('aborts a running attempt at its timeout and retries it', async () => {
    const tools = fakeTools();
    const signals: AbortSignal[] = [];
    const { run, reported } = scriptedRun([], {
      attempt: ({ attempt, signal }) => {
        signals.push(signal);
        return attempt === 1 ? untilAborted(signal) : Promise.resolve(ok as AttemptOutcome<string>);
      },
    });

    const result = await runWithRetry(run, { ...SETTINGS, attemptTimeoutMs: 20 }, tools);

    expect(result).toEqual({ ok: true, value: 'done', attempts: 2 });
    expect(signals[0]?.aborted).toBe(true);
    expect(reported[0]?.error).toBe('timeout');
  });

  it('aborts a running attempt at the deadline and does not retry', async () => {
    const { run, reported } = scriptedRun([], {
      deadline: Date.now() + 30,
      attempt: ({ signal }) => untilAborted(signal),
    });

    const result = await runWithRetry(run, SETTINGS, { ...fakeTools(), now: Date.now });

    expect(result).toMatchObject({ ok: false, attempts: 1, uncertain: true });
    expect(result.ok || result.failure.kind).toBe('timeout');
    expect(reported[0]?.error).toBe('deadline');
  });
});
