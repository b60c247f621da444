/**
 * The Vault preflight must not be a probe of what this service reaches: over real HTTP, a
 * vaultUrl on loopback, unspecified, link-local or multicast addresses is refused before any
 * connection, a name resolving there is never connected to, and VAULT_ALLOW_LOOPBACK lets a test
 * Vault on loopback through (and nothing else).
 */
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectProblem } from '../http/support/http-expectations.js';
import { requestFor, startVaultWorld, type VaultWorld } from '../vault/support/vault-world.js';
import { codesOf, integrationOf, type IntegrationJson } from './support/preflight-calls.js';

const PREFLIGHT_ENV = { VAULT_PREFLIGHT: 'warn', VAULT_PREFLIGHT_TIMEOUT_MS: '1000' };

/** A TCP server on loopback that only counts the connections it is offered. */
async function connectionCounter(): Promise<{ port: number; count: () => number; server: Server }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { port, count: () => connections, server };
}

function dryRun(harness: Harness, vaultUrl: string) {
  return harness.call('POST', '/vault-integrations?dryRun=true', {
    body: requestFor(vaultUrl, undefined, { vaultPreflight: 'warn' }),
  });
}

let counter: Awaited<ReturnType<typeof connectionCounter>>;
beforeAll(async () => {
  counter = await connectionCounter();
});
afterAll(() => new Promise<void>((resolve) => counter.server.close(() => resolve())));

describe('a Vault URL on an address the clusters never reach Vault at', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: PREFLIGHT_ENV });
  });
  afterAll(() => harness.close());

  it.each([
    ['loopback', () => `https://127.0.0.1:${counter.port}`],
    ['loopback', () => `https://[::1]:${counter.port}`],
    ['loopback', () => `https://[::ffff:127.0.0.1]:${counter.port}`],
    ['loopback', () => `https://localhost:${counter.port}`],
    ['unspecified', () => `https://0.0.0.0:${counter.port}`],
    ['unspecified', () => `https://[::]:${counter.port}`],
    ['link-local', () => 'https://169.254.169.254:443'],
    ['link-local', () => 'https://[fe80::1]:8200'],
    ['multicast', () => 'https://224.0.0.1:8200'],
    ['loopback', () => `https://[::127.0.0.1]:${counter.port}`],
    ['loopback', () => `https://[64:ff9b::7f00:1]:${counter.port}`],
    ['loopback', () => `https://[2002:7f00:1::]:${counter.port}`],
    ['reserved', () => 'https://255.255.255.255:8200'],
  ])('refuses a %s host with 400 before any connection', async (range, urlOf) => {
    const before = counter.count();
    const answer = await dryRun(harness, urlOf());

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    const errors = problem.errors as { pointer: string; code: string; message: string }[];
    expect(errors).toEqual([
      expect.objectContaining({
        pointer: '/account/vaultUrl',
        code: 'VAULT_URL_HOST_NOT_ROUTABLE',
      }),
    ]);
    expect(errors[0]!.message).toContain(range);
    expect(errors[0]!.message).toContain('the clusters of the mesh reach Vault at this address');
    expect(counter.count()).toBe(before);
  });

  it('refuses a create the same way, with nothing sent to TSM', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestFor('https://169.254.169.254:443', undefined, { vaultPreflight: 'warn' }),
    });

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      expect.objectContaining({
        pointer: '/account/vaultUrl',
        code: 'VAULT_URL_HOST_NOT_ROUTABLE',
      }),
    ]);
  });
});

// A name outside *.localhost that resolves to loopback: the machine's own name often does.
const machineName = hostname();
const machineNameIsLoopback = await lookup(machineName, { all: true }).then(
  (found) => found.length > 0 && found.every(({ address }) => /^127\.|^::1$/.test(address)),
  () => false,
);

describe('a Vault host name that resolves to loopback', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: PREFLIGHT_ENV });
  });
  afterAll(() => harness.close());

  it.runIf(machineNameIsLoopback)(
    'is reported not run, without a connection, and the request goes on',
    async () => {
      const answer = await dryRun(harness, `https://${machineName}:${counter.port}`);

      expect(answer.status, answer.text).toBe(200);
      const plan = answer.body as IntegrationJson;
      expect(plan.preflight?.outcome).toBe('incomplete');
      expect(Object.values(codesOf(plan))).toEqual(Array(4).fill('VAULT_ADDRESS_NOT_ROUTABLE'));
      const notRun = plan.warnings?.find(({ code }) => code === 'VAULT_PREFLIGHT_NOT_RUN');
      expect(notRun?.pointer).toBe('/account/vaultUrl');
      // A preview went on to nothing; the warning says only what the preflight did not do.
      expect(notRun?.message).toContain('checked nothing. That alone never stops an integration');
      expect(counter.count()).toBe(0);
    },
  );
});

describe('VAULT_ALLOW_LOOPBACK=true', () => {
  let harness: Harness;
  let world: VaultWorld | undefined;
  beforeAll(async () => {
    harness = await startHarness({ env: { ...PREFLIGHT_ENV, VAULT_ALLOW_LOOPBACK: 'true' } });
  });
  afterAll(() => harness.close());
  afterEach(async () => {
    await world?.vault.close();
    world = undefined;
  });

  it('lets the test Vault on loopback through validation and the preflight', async () => {
    world = await startVaultWorld();
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestFor(world.vault.url, world.bundle),
    });

    expect(answer.status, answer.text).toBe(201);
    expect(integrationOf(answer).preflight?.outcome).toBe('passed');
    expect(world.vault.requests().length).toBeGreaterThan(0);
  });

  it.each(['https://169.254.169.254:443', 'https://0.0.0.0:8200', 'https://[fe80::1]:8200'])(
    'still refuses %s',
    async (vaultUrl) => {
      const problem = expectProblem(await dryRun(harness, vaultUrl), 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        expect.objectContaining({ code: 'VAULT_URL_HOST_NOT_ROUTABLE' }),
      ]);
    },
  );
});
