import { afterEach, describe, expect, it } from 'vitest';
import type { TsmResult } from '../../src/tsm/types.js';
import {
  API_TOKEN,
  CSP_ROUTE,
  grant,
  startHarness,
  type Harness,
} from './support/client-harness.js';

const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';
const GET_ACCOUNT = `GET ${ACCOUNT_PATH}`;
const PUT_ACCOUNT = `PUT ${ACCOUNT_PATH}`;
const ACCOUNT = { name: 'my-vault-account', provider: 'VAULT' };
const ACCESS_TOKEN = 'access-token-that-tsm-echoes-9d41';
const FIXED_TOKEN = 'fixed-access-token-that-tsm-echoes-20c7';

let harness: Harness;

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

afterEach(async () => {
  await harness.close();
});

/** Every character as a JSON \u escape, the way no literal search finds it. */
function escapedInJson(text: string): string {
  return [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

/** Bodies that echo both tokens back, each in one of the forms a server could use. */
const ECHOES: Array<[string, (token: string) => string]> = [
  ['header-like', (token) => `csp-auth-token: ${token}\r\nrefresh_token: ${API_TOKEN}`],
  [
    'JSON',
    (token) =>
      JSON.stringify({
        message: `request with ${token} refused`,
        request: { headers: { 'csp-auth-token': token }, form: { refresh_token: API_TOKEN } },
      }),
  ],
  [
    'JSON with escapes',
    (token) => `{"message":"${escapedInJson(token)}","api":"${escapedInJson(API_TOKEN)}"}`,
  ],
  ['form', (token) => new URLSearchParams({ token, refresh_token: `${API_TOKEN}/+` }).toString()],
];

function repeated<T>(answer: T, times: number): T[] {
  return Array.from({ length: times }, () => answer);
}

function expectNoSecret(results: Array<TsmResult<unknown>>, secrets: string[]): void {
  const seen = JSON.stringify(results);
  for (const secret of secrets) expect(seen).not.toContain(secret);
  expect(seen).toContain('[REDACTED]');
}

describe('tokens that TSM echoes back', () => {
  it.each(ECHOES)('never leave the client in a result (%s)', async (_form, echo) => {
    const { server, client, callOptions } = await start();
    server.otherwise(CSP_ROUTE, grant(ACCESS_TOKEN));
    const body = echo(ACCESS_TOKEN);
    server.script(PUT_ACCOUNT, { status: 400, body }, { status: 302, body });
    server.script(PUT_ACCOUNT, ...repeated({ status: 503, body }, 3));
    server.script(GET_ACCOUNT, { status: 200, body });

    const results = [
      await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions()),
      await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions()),
      await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions()),
      await client.getResource('account', 'my-vault-account', callOptions()),
    ];

    // The read succeeds when the echo is a JSON object; its value is redacted all the same.
    expect(results.map((result) => result.ok || result.failure.kind).slice(0, 3)).toEqual([
      'rejected',
      'unavailable',
      'unavailable',
    ]);
    expectNoSecret(results, [ACCESS_TOKEN, API_TOKEN]);
    expectNoSecret(results.slice(3), [ACCESS_TOKEN, API_TOKEN]);
  });

  it('are replaced in the message and excerpt a caller reads', async () => {
    const { server, client, callOptions } = await start();
    server.otherwise(CSP_ROUTE, grant(ACCESS_TOKEN));
    const body = JSON.stringify({ message: `token ${ACCESS_TOKEN} has no access` });
    server.script(PUT_ACCOUNT, { status: 400, body });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result.ok || result.failure).toEqual({
      kind: 'rejected',
      status: 400,
      message: 'token [REDACTED] has no access',
      excerpt: '{"message":"token [REDACTED] has no access"}',
    });
  });

  it('leave no part of a token where the excerpt is cut', async () => {
    const { server, client, callOptions } = await start();
    server.otherwise(CSP_ROUTE, grant(ACCESS_TOKEN));
    server.script(PUT_ACCOUNT, { status: 400, body: `${'x'.repeat(1_020)}${ACCESS_TOKEN}` });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result.ok || result.failure).toMatchObject({ excerpt: `${'x'.repeat(1_020)}[RED` });
  });

  it('include an access token that was renewed since', async () => {
    const { server, client, callOptions } = await start();
    server.script(CSP_ROUTE, grant('access-token-old-6e2a'), grant('access-token-new-0b7f'));
    const body = 'csp-auth-token: access-token-old-6e2a, then access-token-new-0b7f';
    server.script(PUT_ACCOUNT, { status: 401 }, { status: 400, body });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result.ok || result.failure).toMatchObject({
      kind: 'rejected',
      excerpt: 'csp-auth-token: [REDACTED], then [REDACTED]',
    });
  });

  it('include a fixed access token', async () => {
    const { server, client, callOptions } = await start({
      credentials: { kind: 'access-token', accessToken: FIXED_TOKEN },
    });
    const body = JSON.stringify({ headers: { 'csp-auth-token': FIXED_TOKEN } });
    server.script(PUT_ACCOUNT, { status: 422, body });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expectNoSecret([result], [FIXED_TOKEN]);
  });

  it('include the API token that CSP echoes back', async () => {
    const { server, client, callOptions } = await start();
    const body = `refresh_token=${API_TOKEN}`;
    server.script(CSP_ROUTE, ...repeated({ status: 500, body }, 3));
    server.script(CSP_ROUTE, { status: 400, body });

    const results = [
      await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions()),
      await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions()),
    ];

    expect(results.map((result) => result.ok || result.failure.kind)).toEqual([
      'unavailable',
      'auth',
    ]);
    expect(JSON.stringify(results)).not.toContain(API_TOKEN);
  });
});
