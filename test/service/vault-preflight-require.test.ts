/**
 * VAULT_PREFLIGHT=require over real HTTP: a request that does not match the Vault it names is
 * refused with 422 VAULT_PREFLIGHT_FAILED before TSM hears of it, while a Vault this service
 * cannot reach is no reason to refuse.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleOf, makeIntermediate, makeRoot } from '../support/certificates.js';
import { tsmCalls, tsmWrites } from '../support/requests.js';
import { startHarness, type Answer, type Harness } from '../support/service-harness.js';
import { expectProblem } from '../http/support/http-expectations.js';
import { startVaultWorld, type VaultWorld } from '../vault/support/vault-world.js';
import {
  closedPort,
  codesOf,
  fingerprintOf,
  integrationOf,
  postFor,
  preflightRecord,
  type CheckJson,
} from './support/preflight-calls.js';

describe('the Vault preflight under VAULT_PREFLIGHT=require', () => {
  let harness: Harness;
  let world: VaultWorld | undefined;
  beforeAll(async () => {
    harness = await startHarness({
      // The simulated Vault listens on loopback.
      env: {
        VAULT_PREFLIGHT: 'require',
        VAULT_PREFLIGHT_TIMEOUT_MS: '1000',
        VAULT_ALLOW_LOOPBACK: 'true',
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.sim.reset());
  afterEach(async () => {
    await world?.vault.close();
    world = undefined;
  });

  /** Posts for a Vault that must be refused, checks nothing reached TSM, returns the checks. */
  function refused(answer: Answer) {
    const problem = expectProblem(answer, 'VAULT_PREFLIGHT_FAILED');
    expect(tsmCalls(harness.sim)).toEqual([]);
    const integration = integrationOf(answer);
    expect(integration.status).toBe('rolled_back');
    expect(integration.preflight).toMatchObject({ mode: 'require', outcome: 'failed' });
    return { problem, integration, failed: problem.failedChecks as CheckJson[] };
  }

  it('creates the integration when every check passes', async () => {
    world = await startVaultWorld();
    const answer = await postFor(harness, world.vault.url, world.bundle);

    expect(answer.status, answer.text).toBe(201);
    const integration = integrationOf(answer);
    expect(integration.preflight).toMatchObject({ mode: 'require', outcome: 'passed' });
    expect(tsmWrites(harness.sim)).toHaveLength(3);
  });

  it('refuses a bundle of another CA, naming both subjects and fingerprints', async () => {
    world = await startVaultWorld();
    const otherRoot = await makeRoot({ subject: 'Another Root' });
    const otherBundle = bundleOf(
      await makeIntermediate(otherRoot, { subject: 'Another CA' }),
      otherRoot,
    );

    const { problem, integration, failed } = refused(
      await postFor(harness, world.vault.url, otherBundle),
    );

    expect(failed.map((check) => check.code)).toEqual(['TLS_UNTRUSTED', 'ISSUING_CA_NOT_TRUSTED']);
    const issuing = failed[1]!;
    for (const named of [
      'CN=Vault Test Intermediate',
      'CN=Vault Test Root',
      fingerprintOf(world.root.pem),
      'CN=Another Root',
      fingerprintOf(otherRoot.pem),
    ]) {
      expect(issuing.detail).toContain(named);
      expect(problem.detail).toContain(named);
    }
    const stored = await harness.call('GET', `/vault-integrations/${integration.id}`);
    expect(codesOf(integrationOf({ ...stored, status: 201 }))).toMatchObject({
      issuing_ca: 'ISSUING_CA_NOT_TRUSTED',
    });
    expect(await preflightRecord(harness, integration.id)).toEqual({
      mode: 'require',
      outcome: 'failed',
      vaultUrl: world.vault.url,
      durationMs: expect.any(Number) as unknown,
      checks: [
        { name: 'tls', outcome: 'failed', code: 'TLS_UNTRUSTED' },
        { name: 'health', outcome: 'passed', code: 'VAULT_READY' },
        { name: 'pki_mount', outcome: 'passed', code: 'PKI_MOUNT_FOUND' },
        { name: 'issuing_ca', outcome: 'failed', code: 'ISSUING_CA_NOT_TRUSTED' },
      ],
    });
  });

  it('refuses a sealed Vault and an uninitialized one', async () => {
    world = await startVaultWorld({ health: 'sealed' });
    const sealed = refused(await postFor(harness, world.vault.url, world.bundle));
    expect(sealed.failed.map((check) => check.code)).toEqual(['VAULT_SEALED']);
    // The mount cannot be read from a sealed Vault: not run, not a mismatch.
    expect(codesOf(sealed.integration)).toMatchObject({ pki_mount: 'VAULT_UNAVAILABLE' });

    world.vault.setHealth('uninitialized');
    const uninitialized = refused(await postFor(harness, world.vault.url, world.bundle));
    expect(uninitialized.failed.map((check) => check.code)).toEqual(['VAULT_NOT_INITIALIZED']);
  });

  it('refuses a vaultPath whose mount Vault does not serve', async () => {
    world = await startVaultWorld();
    const { failed } = refused(
      await postFor(harness, world.vault.url, world.bundle, {
        vaultPath: 'pki_gone/sign/mesh',
      }),
    );

    expect(failed).toEqual([
      expect.objectContaining({ name: 'pki_mount', code: 'PKI_MOUNT_NOT_FOUND' }),
    ]);
    expect(failed[0]!.detail).toContain('"pki_gone"');
  });

  it('reads the mount in the namespace of the request', async () => {
    world = await startVaultWorld({
      mounts: ({ intermediate, root }) => [
        {
          path: 'pki_int',
          namespace: 'admin/team-a',
          issuingCa: intermediate.pem,
          caChain: bundleOf(intermediate, root),
        },
      ],
    });
    const inNamespace = await postFor(harness, world.vault.url, world.bundle, {
      namespace: 'admin/team-a',
    });
    expect(inNamespace.status, inNamespace.text).toBe(201);
    const mountReads = world.vault.requests().filter((request) => request.url.includes('pki_int'));
    expect(mountReads.length).toBeGreaterThan(0);
    expect(mountReads.every((request) => request.namespace === 'admin/team-a')).toBe(true);

    harness.sim.reset();
    const { failed } = refused(await postFor(harness, world.vault.url, world.bundle));
    expect(failed.map((check) => check.code)).toEqual(['PKI_MOUNT_NOT_FOUND']);
  });

  it('refuses a server certificate that does not name the host of vaultUrl', async () => {
    world = await startVaultWorld({ hostNames: ['vault.elsewhere.internal'] });
    const { failed } = refused(await postFor(harness, world.vault.url, world.bundle));

    expect(failed).toEqual([
      expect.objectContaining({
        name: 'tls',
        code: 'TLS_HOST_NAME_MISMATCH',
        facts: expect.objectContaining({
          hostName: '127.0.0.1',
          hostNameMatched: false,
        }) as unknown,
      }),
    ]);
  });

  it('goes on when Vault cannot be reached from here: that is not a mismatch', async () => {
    const answer = await postFor(harness, `https://127.0.0.1:${await closedPort()}`, undefined);

    expect(answer.status, answer.text).toBe(201);
    const integration = integrationOf(answer);
    expect(integration.preflight?.outcome).toBe('incomplete');
    expect(integration.preflight?.checks.map((check) => check.outcome)).toEqual([
      'not_run',
      'not_run',
      'not_run',
      'not_run',
    ]);
    expect(
      integration.warnings.filter((warning) => warning.code.startsWith('VAULT_PREFLIGHT')),
    ).toEqual([expect.objectContaining({ code: 'VAULT_PREFLIGHT_NOT_RUN' })]);
    // No bundle was sent: the account and the CA configuration.
    expect(tsmWrites(harness.sim)).toHaveLength(2);
  });
});
