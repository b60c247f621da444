import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CSP_ROUTE, grant, startHarness, type Harness } from './support/client-harness.js';

const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';
const PUT_ACCOUNT = `PUT ${ACCOUNT_PATH}`;
const ACCOUNT = { name: 'my-vault-account', provider: 'VAULT' };
const OK = { status: 200, body: ACCOUNT };

let harness: Harness;

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  harness.server.otherwise(CSP_ROUTE, grant('access-token-1'));
  return harness;
}

afterEach(async () => {
  await harness.close();
});

describe('the TSM client over HTTP', () => {
  it('puts a resource once and sends the token, the request id and JSON', async () => {
    const { server, client, callOptions } = await start();
    server.script(PUT_ACCOUNT, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 1 });
    const [put] = server.received(PUT_ACCOUNT);
    expect(JSON.parse(put?.body ?? '')).toEqual(ACCOUNT);
    expect(put?.headers).toMatchObject({
      'csp-auth-token': 'access-token-1',
      'x-request-id': 'request-0001',
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': 'tsm-vault-integrations',
    });
  });

  it('retries a 5xx with backoff and then succeeds', async () => {
    const { server, client, callOptions, sleeps, attempts } = await start();
    server.script(PUT_ACCOUNT, { status: 503 }, { status: 500 }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 3 });
    expect(sleeps).toEqual([100, 200]);
    const tsmAttempts = attempts.filter((attempt) => attempt.method === 'PUT');
    expect(tsmAttempts.map((attempt) => [attempt.status, attempt.retryInMs])).toEqual([
      [503, 100],
      [500, 200],
      [200, undefined],
    ]);
  });

  it('waits as long as a 429 asks in seconds', async () => {
    const { server, client, callOptions, sleeps } = await start();
    server.script(PUT_ACCOUNT, { status: 429, headers: { 'retry-after': '7' } }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([7_000]);
  });

  it('waits until the HTTP date a 429 names', async () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const { server, client, callOptions, sleeps } = await start({ now: () => now });
    const retryAfter = new Date(now + 4_000).toUTCString();
    server.script(PUT_ACCOUNT, { status: 429, headers: { 'retry-after': retryAfter } }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([4_000]);
  });

  it('retries after the connection is dropped', async () => {
    const { server, client, callOptions, attempts } = await start();
    server.script(PUT_ACCOUNT, { drop: true }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(attempts.find((attempt) => attempt.method === 'PUT')?.error).toMatch(/UND_ERR|ECONN/);
  });

  it('abandons an attempt at its timeout and retries it', async () => {
    const { server, client, callOptions, attempts } = await start({
      retry: { attemptTimeoutMs: 150 },
    });
    server.script(PUT_ACCOUNT, { hang: true }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(attempts.find((attempt) => attempt.method === 'PUT')?.error).toBe('timeout');
  });

  it('gives up as unavailable when every attempt fails, keeping an excerpt', async () => {
    const { server, client, callOptions } = await start();
    const busy = { status: 503, body: { code: 503, message: 'TSM is busy' } };
    server.script(PUT_ACCOUNT, busy, busy, busy);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 3,
      uncertain: true,
      failure: {
        kind: 'unavailable',
        status: 503,
        message: 'TSM is busy',
        excerpt: '{"code":503,"message":"TSM is busy"}',
      },
    });
  });

  it('ends as timeout when Retry-After reaches past the deadline', async () => {
    const { server, client, callOptions, sleeps } = await start();
    server.script(PUT_ACCOUNT, { status: 503, headers: { 'retry-after': '30' } }, OK);

    const options = callOptions({ deadline: Date.now() + 5_000 });
    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, options);

    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'timeout' } });
    expect(sleeps).toEqual([]);
  });

  it('aborts a hanging attempt at the deadline and calls the change uncertain', async () => {
    const { server, client, callOptions, attempts } = await start();
    server.script(PUT_ACCOUNT, { hang: true });

    const options = callOptions({ deadline: Date.now() + 200 });
    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, options);

    expect(result).toMatchObject({ ok: false, attempts: 1, uncertain: true });
    expect(result.ok || result.failure.kind).toBe('timeout');
    expect(attempts.find((attempt) => attempt.method === 'PUT')?.error).toBe('deadline');
  });

  it('does not retry a 4xx and keeps a printable excerpt of at most 1 KiB', async () => {
    const { server, client, callOptions } = await start();
    // Valid JSON with control characters both between tokens and escaped inside the message.
    const detail = 'é'.repeat(2_000);
    const body = [
      '{\r\n\t"message": "certificate_id\\u0007 unknown",',
      `\r\n\t"detail": "${detail}"\r\n}`,
    ].join('');
    server.script(PUT_ACCOUNT, { status: 400, body }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 1, uncertain: false });
    if (result.ok || result.failure.kind !== 'rejected') throw new Error('expected a rejection');
    expect(result.failure).toMatchObject({ status: 400, message: 'certificate_id  unknown' });
    const { excerpt } = result.failure;
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(1_024);
    expect(Buffer.byteLength(excerpt)).toBeGreaterThan(1_000);
    expect(excerpt.startsWith('{ "message": "certificate_id\\u0007 unknown", "detail": "éé')).toBe(
      true,
    );
    expect(excerpt).not.toMatch(/[\p{Cc}\uFFFD]/u);
    expect(server.received(PUT_ACCOUNT)).toHaveLength(1);
  });

  it('calls a failure certain when TSM could not even be connected to', async () => {
    const closedPort = await freePort();
    const { client, callOptions } = await start({
      tsmUrl: `http://127.0.0.1:${closedPort}`,
      credentials: { kind: 'access-token', accessToken: 'fixed-access-token' },
    });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 3, uncertain: false });
    expect(result.ok || result.failure).toMatchObject({ kind: 'unavailable' });
  });

  it('never calls a failed read uncertain', async () => {
    const { server, client, callOptions } = await start();
    server.otherwise(`GET ${ACCOUNT_PATH}`, { status: 502 });

    const result = await client.getResource('account', 'my-vault-account', callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 3, uncertain: false });
  });
});

describe('answers that are not failures', () => {
  it('reads a resource as its JSON body', async () => {
    const { server, client, callOptions } = await start();
    server.script(`GET ${ACCOUNT_PATH}`, OK);

    const result = await client.getResource('account', 'my-vault-account', callOptions());

    expect(result).toEqual({ ok: true, value: ACCOUNT, attempts: 1 });
  });

  it('reads a missing resource as null and deletes it as absent', async () => {
    const { server, client, callOptions } = await start();
    server.script(`GET ${ACCOUNT_PATH}`, { status: 404 });
    server.script(`DELETE ${ACCOUNT_PATH}`, { status: 404 }, { status: 204 });

    const read = await client.getResource('account', 'my-vault-account', callOptions());
    const absent = await client.deleteResource('account', 'my-vault-account', callOptions());
    const deleted = await client.deleteResource('account', 'my-vault-account', callOptions());

    expect(read).toEqual({ ok: true, value: null, attempts: 1 });
    expect(absent).toEqual({ ok: true, value: 'absent', attempts: 1 });
    expect(deleted).toEqual({ ok: true, value: 'deleted', attempts: 1 });
  });

  it('refuses a read whose body is not a JSON object, without retrying', async () => {
    const { server, client, callOptions } = await start();
    server.script(`GET ${ACCOUNT_PATH}`, { status: 200, body: '<html>login</html>' });

    const result = await client.getResource('account', 'my-vault-account', callOptions());

    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { kind: 'unavailable', status: 200, excerpt: '<html>login</html>' },
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
