import { afterEach, describe, expect, it } from 'vitest';
import {
  API_TOKEN,
  CSP_ROUTE,
  grant,
  startHarness,
  type Harness,
} from './support/client-harness.js';
import { gate } from './support/scripted-server.js';

const BUNDLE_PATH = '/tsm/v1alpha2/projects/default/certificates/my-CA-bundle';
const PUT_BUNDLE = `PUT ${BUNDLE_PATH}`;
const BUNDLE = { name: 'my-CA-bundle', certificateType: 'CertificateAuthorityBundle' };
const OK = { status: 200, body: BUNDLE };

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

function tokensSentTo(route: string): unknown[] {
  return harness.server.received(route).map((request) => request.headers['csp-auth-token']);
}

describe('the access token', () => {
  it('is exchanged for the API token as a form, once, and reused across calls', async () => {
    const { server, client, callOptions } = await start();
    server.script(CSP_ROUTE, grant('access-1'));
    server.otherwise(PUT_BUNDLE, OK);

    await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());
    await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    const exchanges = server.received(CSP_ROUTE);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(exchanges[0]?.body).get('refresh_token')).toBe(API_TOKEN);
    expect(tokensSentTo(PUT_BUNDLE)).toEqual(['access-1', 'access-1']);
  });

  it('is renewed once less than a minute of its life is left', async () => {
    const clock = { now: Date.UTC(2030, 0, 1) };
    const { server, client, callOptions } = await start({ now: () => clock.now });
    server.script(CSP_ROUTE, grant('access-1', 1_799), grant('access-2', 1_799));
    server.otherwise(PUT_BUNDLE, OK);

    await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());
    clock.now += (1_799 - 61) * 1_000;
    await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());
    clock.now += 2_000;
    await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(server.received(CSP_ROUTE)).toHaveLength(2);
    expect(tokensSentTo(PUT_BUNDLE)).toEqual(['access-1', 'access-1', 'access-2']);
  });

  it('is exchanged once for calls that want it at the same moment', async () => {
    const { server, client, callOptions } = await start();
    const held = gate();
    server.script(CSP_ROUTE, { gate: held.opened, then: grant('access-1') });
    server.otherwise(PUT_BUNDLE, OK);

    const calls = Array.from({ length: 5 }, () =>
      client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions()),
    );
    await server.receivedCount(CSP_ROUTE, 1);
    held.open();
    const results = await Promise.all(calls);

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.received(CSP_ROUTE)).toHaveLength(1);
    expect(tokensSentTo(PUT_BUNDLE)).toEqual(Array(5).fill('access-1'));
  });

  it('is renewed when TSM refuses it, and the call is tried again at once', async () => {
    const { server, client, callOptions, sleeps } = await start();
    server.script(CSP_ROUTE, grant('access-1'), grant('access-2'));
    server.script(PUT_BUNDLE, { status: 401 }, OK);

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 2 });
    expect(server.received(CSP_ROUTE)).toHaveLength(2);
    expect(tokensSentTo(PUT_BUNDLE)).toEqual(['access-1', 'access-2']);
    expect(sleeps).toEqual([]);
  });

  it('fails as auth when TSM refuses the renewed token too', async () => {
    const { server, client, callOptions } = await start();
    server.script(CSP_ROUTE, grant('access-1'), grant('access-2'));
    server.script(PUT_BUNDLE, { status: 401 }, { status: 403 }, OK);

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 2, uncertain: false });
    expect(result.ok || result.failure.kind).toBe('auth');
    expect(server.received(PUT_BUNDLE)).toHaveLength(2);
  });

  it('fails as auth at once when a fixed access token is refused', async () => {
    const { server, client, callOptions } = await start({
      credentials: { kind: 'access-token', accessToken: 'fixed-access-token' },
    });
    server.script(PUT_BUNDLE, { status: 403 }, OK);

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'auth' } });
    expect(tokensSentTo(PUT_BUNDLE)).toEqual(['fixed-access-token']);
    expect(server.received(CSP_ROUTE)).toEqual([]);
  });

  it('fails as auth without calling TSM when CSP refuses the API token', async () => {
    const { server, client, callOptions, attempts } = await start();
    const invalidGrant = { message: 'invalid_grant: Invalid refresh token', statusCode: 400 };
    server.script(CSP_ROUTE, { status: 400, body: invalidGrant }, grant('access-1'));

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 0,
      uncertain: false,
      failure: { kind: 'auth', message: 'CSP refused the API token (invalid_grant)' },
    });
    expect(server.received(CSP_ROUTE)).toHaveLength(1);
    expect(server.received(PUT_BUNDLE)).toEqual([]);
    expect(attempts).toMatchObject([{ method: 'POST', status: 400, attempt: 1 }]);
  });

  it('is exchanged again after CSP answers 503, reporting both attempts', async () => {
    const { server, client, callOptions, attempts, sleeps } = await start();
    server.script(CSP_ROUTE, { status: 503 }, grant('access-1'));
    server.script(PUT_BUNDLE, OK);

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 1 });
    expect(sleeps).toEqual([100]);
    expect(attempts.map(({ method, status, retryInMs }) => [method, status, retryInMs])).toEqual([
      ['POST', 503, 100],
      ['POST', 200, undefined],
      ['PUT', 200, undefined],
    ]);
  });
});

describe('secrets', () => {
  it('appear in no log line, result or attempt record', async () => {
    const { server, client, callOptions, logLines, attempts } = await start();
    server.script(CSP_ROUTE, { status: 502 }, grant('access-secret-1'), grant('access-secret-2'));
    server.script(PUT_BUNDLE, { status: 503 }, { status: 401 }, { status: 400, body: '{}' });

    const result = await client.putResource('caBundle', 'my-CA-bundle', BUNDLE, callOptions());

    expect(result).toMatchObject({ ok: false, failure: { kind: 'rejected' } });
    expect(logLines.some((line) => line.includes('"msg":"tsm call retrying"'))).toBe(true);
    expect(logLines.some((line) => line.includes('"msg":"csp token exchange retrying"'))).toBe(
      true,
    );
    const everything = [...logLines, JSON.stringify(result), JSON.stringify(attempts)].join('\n');
    for (const secret of [API_TOKEN, 'access-secret-1', 'access-secret-2']) {
      expect(everything).not.toContain(secret);
    }
  });
});
