import { afterEach, describe, expect, it } from 'vitest';
import { CSP_ROUTE, grant, startHarness, type Harness } from './support/client-harness.js';

const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';
const GET_ACCOUNT = `GET ${ACCOUNT_PATH}`;
const PUT_ACCOUNT = `PUT ${ACCOUNT_PATH}`;
const ACCOUNT = { name: 'my-vault-account', provider: 'VAULT' };
const OK = { status: 200, body: ACCOUNT };
const MIB = 1024 * 1024;
const CHUNK = 'x'.repeat(64 * 1024);

let harness: Harness;

async function start(): Promise<Harness> {
  harness = await startHarness();
  harness.server.otherwise(CSP_ROUTE, grant('access-token-1'));
  return harness;
}

afterEach(async () => {
  await harness.close();
});

/** A JSON object whose text is exactly this many bytes long. */
function objectOfSize(bytes: number): string {
  const open = '{"name":"my-vault-account","padding":"';
  const close = '"}';
  return open + 'p'.repeat(bytes - open.length - close.length) + close;
}

describe('answers too large to hold', () => {
  it('stops reading an endless read answer and fails it as unavailable, once', async () => {
    const { server, client, callOptions } = await start();
    server.otherwise(GET_ACCOUNT, { status: 200, endless: CHUNK });

    const result = await client.getResource('account', 'my-vault-account', callOptions());

    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      uncertain: false,
      failure: {
        kind: 'unavailable',
        status: 200,
        message: 'TSM answered 200 with a body too large to read (over 1 MiB)',
      },
    });
    expect(server.received(GET_ACCOUNT)).toHaveLength(1);
  });

  it('reads a resource of exactly 1 MiB, and refuses one byte more', async () => {
    const { server, client, callOptions } = await start();
    server.script(
      GET_ACCOUNT,
      { status: 200, body: objectOfSize(MIB) },
      { status: 200, body: objectOfSize(MIB + 1) },
    );

    const fits = await client.getResource('account', 'my-vault-account', callOptions());
    const tooLarge = await client.getResource('account', 'my-vault-account', callOptions());

    expect(fits).toMatchObject({ ok: true, value: { name: 'my-vault-account' } });
    expect(tooLarge.ok || tooLarge.failure.message).toMatch(/too large to read/);
  });

  it('keeps the start of an endless error body as its excerpt', async () => {
    const { server, client, callOptions } = await start();
    server.script(PUT_ACCOUNT, { status: 400, endless: CHUNK });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 1,
      uncertain: false,
      failure: {
        kind: 'rejected',
        status: 400,
        message: 'TSM answered 400',
        excerpt: 'x'.repeat(1024),
      },
    });
  });

  it('retries after an endless 503 body on a fresh connection', async () => {
    const { server, client, callOptions, attempts } = await start();
    server.script(PUT_ACCOUNT, { status: 503, endless: CHUNK }, OK);

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 2 });
    const puts = attempts.filter((attempt) => attempt.method === 'PUT');
    expect(puts.map(({ status, error }) => [status, error])).toEqual([
      [503, undefined],
      [200, undefined],
    ]);
  });

  it('takes a write answered 200 as done without reading its endless body', async () => {
    const { server, client, callOptions } = await start();
    server.script(PUT_ACCOUNT, { status: 200, endless: CHUNK });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({ ok: true, value: undefined, attempts: 1 });
  });

  it('fails without calling TSM when CSP grants a token in an endless body', async () => {
    const { server, client, callOptions } = await start();
    server.script(CSP_ROUTE, { status: 200, endless: CHUNK });

    const result = await client.putResource('account', 'my-vault-account', ACCOUNT, callOptions());

    expect(result).toEqual({
      ok: false,
      attempts: 0,
      uncertain: false,
      failure: {
        kind: 'unavailable',
        message: 'CSP answered 200 with a body too large to read (over 1 MiB)',
      },
    });
    expect(server.received(CSP_ROUTE)).toHaveLength(1);
    expect(server.received(PUT_ACCOUNT)).toEqual([]);
  });
});
