import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemRetryTools, type RetryTools } from '../../src/tsm/retry-policy.js';
import type { TsmCallOptions, TsmClient } from '../../src/tsm/types.js';
import {
  CSP_ROUTE,
  grant,
  startHarness,
  type Harness,
  type HarnessOptions,
} from './support/client-harness.js';
import { watchRejections, watchTimers } from './support/leak-watch.js';
import { gate } from './support/scripted-server.js';

const ACCOUNT_ID = 'my-vault-account';
const ACCOUNT_PATH = `/tsm/v1alpha1/external-accounts/${ACCOUNT_ID}`;
const PUT_ACCOUNT = `PUT ${ACCOUNT_PATH}`;
const ACCOUNT = { name: ACCOUNT_ID, provider: 'VAULT' };
const OK = { status: 200, body: ACCOUNT };

/** Longer than a test may run: only a cancellation can end an attempt or a wait in time. */
const LONGER_THAN_A_TEST = {
  attemptTimeoutMs: 120_000,
  backoffBaseMs: 60_000,
  backoffMaxMs: 60_000,
};
const LATE_DEADLINE_MS = 300_000;

const BEFORE_IT_WAS_MADE = 'the call to TSM was cancelled before it was made';
const WHILE_ANSWERING = 'the call to TSM was cancelled while waiting for its answer';
const WHILE_WAITING = 'the call to TSM was cancelled while waiting to try again after 1 attempt(s)';
const WHILE_AWAITING_TOKEN =
  'the call to TSM was cancelled while waiting for an access token from CSP';

type Method = 'GET' | 'PUT' | 'DELETE';

let harness: Harness;
let rejections: ReturnType<typeof watchRejections>;

beforeEach(() => {
  rejections = watchRejections();
});

afterEach(async () => {
  await harness.close();
  expect(await rejections.stop()).toEqual([]);
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness({ ...options, retry: { ...LONGER_THAN_A_TEST, ...options.retry } });
  return harness;
}

function cancellable(signal: AbortSignal, requestId = 'request-0001'): TsmCallOptions {
  return harness.callOptions({ signal, requestId, deadline: Date.now() + LATE_DEADLINE_MS });
}

function callTsm(client: TsmClient, method: Method, options: TsmCallOptions) {
  if (method === 'PUT') return client.putResource('account', ACCOUNT_ID, ACCOUNT, options);
  if (method === 'DELETE') return client.deleteResource('account', ACCOUNT_ID, options);
  return client.getResource('account', ACCOUNT_ID, options);
}

function cancelledResult(message: string, attempts: number, uncertain: boolean) {
  return { ok: false, attempts, uncertain, failure: { kind: 'timeout', message } };
}

/** The real wait, which opens a latch once the client has started waiting. */
function watchedSleep(): { sleep: RetryTools['sleep']; started: Promise<void> } {
  const waiting = gate();
  const sleep: RetryTools['sleep'] = (ms, signal) => {
    waiting.open();
    return systemRetryTools.sleep(ms, signal);
  };
  return { sleep, started: waiting.opened };
}

describe('a call its caller cancels', () => {
  it('makes no request at all when its signal has already aborted', async () => {
    const { server, client, attempts } = await start();

    const result = await callTsm(client, 'PUT', cancellable(AbortSignal.abort()));

    expect(result).toEqual(cancelledResult(BEFORE_IT_WAS_MADE, 0, false));
    expect(server.received()).toEqual([]);
    expect(attempts).toEqual([]);
  });

  it('makes no request to TSM when its signal aborted while the token was cached', async () => {
    const { server, client } = await start();
    server.script(CSP_ROUTE, grant('access-token-cached-1'));
    server.script(PUT_ACCOUNT, OK);
    await callTsm(client, 'PUT', harness.callOptions());

    const result = await callTsm(client, 'PUT', cancellable(AbortSignal.abort()));

    expect(result).toEqual(cancelledResult(BEFORE_IT_WAS_MADE, 0, false));
    expect(server.received(PUT_ACCOUNT)).toHaveLength(1);
  });

  it.each([
    ['PUT', true],
    ['DELETE', true],
    ['GET', false],
  ] as const)(
    'cuts off a %s that TSM holds; the change is uncertain: %s',
    async (method, uncertain) => {
      const { server, client, attempts } = await start();
      const held = gate();
      server.script(CSP_ROUTE, grant('access-token-held-1'));
      server.script(`${method} ${ACCOUNT_PATH}`, { gate: held.opened, then: OK });
      const cancel = new AbortController();
      const timers = watchTimers();

      const call = callTsm(client, method, cancellable(cancel.signal));
      await server.receivedCount(`${method} ${ACCOUNT_PATH}`, 1);
      cancel.abort();
      const result = await call;
      held.open();

      expect(result).toEqual(cancelledResult(WHILE_ANSWERING, 1, uncertain));
      expect(attempts.filter((attempt) => attempt.method === method)).toMatchObject([
        { attempt: 1, error: 'cancelled' },
      ]);
      expect(await timers.pending()).toBe(0);
    },
  );

  it.each([
    [503, true],
    [429, false],
  ])('ends the wait after a %i at once; the change is uncertain: %s', async (status, uncertain) => {
    const { sleep, started } = watchedSleep();
    const { server, client, sleeps } = await start({ sleep });
    server.script(CSP_ROUTE, grant('access-token-wait-1'));
    server.script(PUT_ACCOUNT, { status }, OK);
    const cancel = new AbortController();
    const timers = watchTimers();

    const call = callTsm(client, 'PUT', cancellable(cancel.signal));
    await started;
    cancel.abort();
    const result = await call;

    expect(result).toEqual(cancelledResult(WHILE_WAITING, 1, uncertain));
    expect(sleeps).toEqual([60_000]);
    expect(server.received(PUT_ACCOUNT)).toHaveLength(1);
    expect(await timers.pending()).toBe(0);
  });
});

describe('the CSP exchange that calls share', () => {
  it('goes on for the calls still waiting when the call that started it is cancelled', async () => {
    const { server, client } = await start();
    const held = gate();
    server.script(CSP_ROUTE, { gate: held.opened, then: grant('access-token-shared-1') });
    server.otherwise(PUT_ACCOUNT, OK);
    const cancel = new AbortController();

    const starter = callTsm(client, 'PUT', cancellable(cancel.signal, 'request-cancelled'));
    const joiner = callTsm(
      client,
      'PUT',
      cancellable(new AbortController().signal, 'request-kept'),
    );
    await server.receivedCount(CSP_ROUTE, 1);
    cancel.abort();
    const cancelled = await starter;
    held.open();
    const kept = await joiner;

    expect(cancelled).toEqual(cancelledResult(WHILE_AWAITING_TOKEN, 0, false));
    expect(kept).toEqual({ ok: true, value: undefined, attempts: 1 });
    expect(server.received(CSP_ROUTE)).toHaveLength(1);
    const puts = server.received(PUT_ACCOUNT);
    expect(puts.map((put) => put.headers['x-request-id'])).toEqual(['request-kept']);
    expect(puts.map((put) => put.headers['csp-auth-token'])).toEqual(['access-token-shared-1']);
  });

  it('is abandoned once every call waiting on it is cancelled', async () => {
    const { server, client } = await start();
    server.script(CSP_ROUTE, { hang: true }, grant('access-token-fresh-1'));
    server.otherwise(PUT_ACCOUNT, OK);
    const cancels = [new AbortController(), new AbortController()];

    const calls = cancels.map((cancel) => callTsm(client, 'PUT', cancellable(cancel.signal)));
    await server.receivedCount(CSP_ROUTE, 1);
    cancels.forEach((cancel) => cancel.abort());
    const cancelled = await Promise.all(calls);
    const later = await callTsm(client, 'PUT', harness.callOptions());
    // Closing waits for every request in flight: a hanging exchange still running would hold it.
    await client.close();

    expect(cancelled).toEqual([
      cancelledResult(WHILE_AWAITING_TOKEN, 0, false),
      cancelledResult(WHILE_AWAITING_TOKEN, 0, false),
    ]);
    expect(later).toEqual({ ok: true, value: undefined, attempts: 1 });
    expect(server.received(CSP_ROUTE)).toHaveLength(2);
  });
});

describe('a signal that outlives its calls', () => {
  it('is left with no listener, and no timer is left running', async () => {
    const { server, client } = await start({
      sleep: systemRetryTools.sleep,
      retry: { backoffBaseMs: 1, backoffMaxMs: 1 },
    });
    server.script(CSP_ROUTE, { status: 503 }, grant('access-token-lasting-1'));
    server.script(PUT_ACCOUNT, { status: 502 }, OK);
    server.script(`GET ${ACCOUNT_PATH}`, OK);
    const integration = new AbortController();
    const timers = watchTimers();

    const put = await callTsm(client, 'PUT', cancellable(integration.signal));
    const get = await callTsm(client, 'GET', cancellable(integration.signal));

    expect(put).toEqual({ ok: true, value: undefined, attempts: 2 });
    expect(get).toEqual({ ok: true, value: ACCOUNT, attempts: 1 });
    expect(getEventListeners(integration.signal, 'abort')).toEqual([]);
    expect(await timers.pending()).toBe(0);
  });
});
