import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TsmCallOptions } from '../../src/tsm/types.js';
import { CSP_ROUTE, grant, startHarness, type Harness } from './support/client-harness.js';

const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';
const GET_ACCOUNT = `GET ${ACCOUNT_PATH}`;
const PUT_ACCOUNT = `PUT ${ACCOUNT_PATH}`;
const ACCOUNT = { name: 'my-vault-account', provider: 'VAULT' };
const FIXED_TOKEN = { kind: 'access-token', accessToken: 'fixed-access-token' } as const;

let harness: Harness;

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  harness.server.otherwise(CSP_ROUTE, grant('access-token-1'));
  return harness;
}

afterEach(async () => {
  await harness.close();
});

describe('failure messages say what happened', () => {
  it('names a Retry-After that reaches past the deadline, without waiting', async () => {
    const { server, client, callOptions, sleeps } = await start();
    server.script(PUT_ACCOUNT, { status: 429, headers: { 'retry-after': '3600' } });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 1,
      uncertain: false,
      failure: {
        kind: 'timeout',
        message: "TSM asked to wait 3600 s (Retry-After), past the integration's deadline",
      },
    });
    expect(sleeps).toEqual([]);
  });

  it('says a backoff found no time left, and what TSM last answered', async () => {
    const { server, client, callOptions } = await start({
      retry: { backoffBaseMs: 10_000, backoffMaxMs: 10_000 },
    });
    server.script(PUT_ACCOUNT, { status: 503 });

    const options = callOptions({ deadline: Date.now() + 5_000 });
    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, options);

    expect(result.ok || result.failure).toEqual({
      kind: 'timeout',
      message: "TSM answered 503; the integration's deadline left no time to try again",
    });
  });

  it('says a read answered 200 with a body that is not an object, after one attempt', async () => {
    const { server, client, callOptions } = await start();
    server.script(GET_ACCOUNT, { status: 200, body: [] });

    const result = await client.getResource('account', 'my-vault-account', callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 1,
      uncertain: false,
      failure: {
        kind: 'unavailable',
        status: 200,
        message: 'TSM answered 200 with a body that is not a JSON object',
        excerpt: '[]',
      },
    });
  });

  it('says TSM had not answered when the deadline cut an attempt short', async () => {
    const { server, client, callOptions } = await start();
    server.script(PUT_ACCOUNT, { hang: true });

    const options = callOptions({ deadline: Date.now() + 200 });
    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, options);

    expect(result.ok || result.failure.message).toBe(
      "TSM had not answered when the integration's deadline passed",
    );
  });

  it('says how long each attempt waited when TSM never answered', async () => {
    const { server, client, callOptions } = await start({ retry: { attemptTimeoutMs: 50 } });
    server.otherwise(PUT_ACCOUNT, { hang: true });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 3, uncertain: true });
    expect(result.ok || result.failure.message).toBe('TSM did not answer within 50 ms');
  });

  it('tells a connection refused from a connection that broke', async () => {
    const { server, client, callOptions } = await start();
    server.otherwise(PUT_ACCOUNT, { drop: true });
    const broken = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());
    await harness.close();
    harness = await startHarness({ tsmUrl: await closedUrl(), credentials: FIXED_TOKEN });

    const refused = await harness.client.putResource(
      'account',
      'my-vault-account',
      ACCOUNT,
      harness.callOptions(),
    );

    expect(broken).toMatchObject({ ok: false, uncertain: true });
    expect(broken.ok || broken.failure.message).toMatch(/^the connection to TSM failed: \w+/);
    expect(refused).toMatchObject({ ok: false, uncertain: false });
    expect(refused.ok || refused.failure.message).toBe('TSM could not be reached: ECONNREFUSED');
  });

  it('says the deadline had passed before TSM was called', async () => {
    const { server, client, callOptions } = await start({ credentials: FIXED_TOKEN });

    const options = callOptions({ deadline: Date.now() - 1 });
    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, options);

    expect(result).toEqual({
      ok: false,
      attempts: 0,
      uncertain: false,
      failure: {
        kind: 'timeout',
        message: "the integration's deadline had passed before TSM was called",
      },
    });
    expect(server.received(PUT_ACCOUNT)).toEqual([]);
  });
});

describe('answers that are neither success nor refusal', () => {
  it.each([
    ['PUT', 302, true],
    ['PUT', 307, true],
    ['PUT', 501, true],
    ['DELETE', 303, true],
    ['GET', 302, false],
  ] as const)('%s answered %i fails at once; uncertain: %s', async (method, status, uncertain) => {
    const { server, callOptions } = await start();
    const route = `${method} ${ACCOUNT_PATH}`;
    server.script(route, { status, headers: { location: '/elsewhere' }, body: 'moved' });
    server.otherwise(route, { status: 200, body: ACCOUNT });

    const result = await callWith(method, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 1,
      uncertain,
      failure: {
        kind: 'unavailable',
        status,
        message: `TSM answered ${status}, which is neither success nor refusal`,
        excerpt: 'moved',
      },
    });
    expect(server.received(route)).toHaveLength(1);
  });

  it('keeps a 4xx a certain refusal of a change', async () => {
    const { server, client, callOptions } = await start();
    server.script(PUT_ACCOUNT, { status: 409, body: { message: 'exists' } });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: false, uncertain: false, failure: { kind: 'rejected' } });
  });
});

function callWith(method: 'GET' | 'PUT' | 'DELETE', options: TsmCallOptions) {
  const { client } = harness;
  if (method === 'PUT') return client.putResource('account', 'my-vault-account', ACCOUNT, options);
  if (method === 'DELETE') return client.deleteResource('account', 'my-vault-account', options);
  return client.getResource('account', 'my-vault-account', options);
}

/** The URL of a port on loopback that nothing listens on. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
