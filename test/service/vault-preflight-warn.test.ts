/**
 * VAULT_PREFLIGHT=warn (the service's default) and off over real HTTP: under warn a failed check becomes a
 * warning and the integration goes on, and a request may ask for require; under off Vault is
 * not contacted at all.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleOf, makeIntermediate, makeRoot } from '../support/certificates.js';
import { tsmCalls, tsmWrites } from '../support/requests.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectProblem } from '../http/support/http-expectations.js';
import { requestFor, startVaultWorld, type VaultWorld } from '../vault/support/vault-world.js';
import {
  closedPort,
  codesOf,
  fingerprintOf,
  integrationOf,
  type IntegrationJson,
  postFor,
  preflightRecord,
  preflightWarnings,
} from './support/preflight-calls.js';

let world: VaultWorld | undefined;
afterEach(async () => {
  await world?.vault.close();
  world = undefined;
});

async function anotherBundle(): Promise<{ pem: string; rootPem: string }> {
  const root = await makeRoot({ subject: 'Another Root' });
  return {
    pem: bundleOf(await makeIntermediate(root, { subject: 'Another CA' }), root),
    rootPem: root.pem,
  };
}

describe('the Vault preflight under VAULT_PREFLIGHT=warn', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      // The simulated Vault listens on loopback.
      env: {
        VAULT_PREFLIGHT: 'warn',
        VAULT_PREFLIGHT_TIMEOUT_MS: '1000',
        VAULT_ALLOW_LOOPBACK: 'true',
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.sim.reset());

  it('answers every check passed, and audits each outcome', async () => {
    world = await startVaultWorld();
    const answer = await postFor(harness, world.vault.url, world.bundle);

    expect(answer.status, answer.text).toBe(201);
    const integration = integrationOf(answer);
    expect(integration.preflight).toMatchObject({
      mode: 'warn',
      outcome: 'passed',
      vaultUrl: world.vault.url,
    });
    expect(codesOf(integration)).toEqual({
      tls: 'TLS_VERIFIED',
      health: 'VAULT_READY',
      pki_mount: 'PKI_MOUNT_FOUND',
      issuing_ca: 'ISSUING_CA_TRUSTED',
    });
    expect(preflightWarnings(integration)).toEqual([]);
    const record = await preflightRecord(harness, integration.id);
    expect(record).toMatchObject({ mode: 'warn', outcome: 'passed' });
    expect(record.checks).toHaveLength(4);
  });

  it('turns failed checks into warnings naming both CAs, and goes on to TSM', async () => {
    world = await startVaultWorld();
    const other = await anotherBundle();
    const answer = await postFor(harness, world.vault.url, other.pem);

    expect(answer.status, answer.text).toBe(201);
    expect(tsmWrites(harness.sim)).toHaveLength(3);
    const integration = integrationOf(answer);
    expect(integration.preflight?.outcome).toBe('failed');
    const warnings = preflightWarnings(integration);
    expect(warnings.map(({ pointer, code }) => `${pointer} ${code}`)).toEqual([
      '/account/vaultUrl VAULT_PREFLIGHT_CHECK_FAILED',
      '/caBundle/pem VAULT_PREFLIGHT_CHECK_FAILED',
    ]);
    const issuing = warnings[1]!.message;
    expect(issuing).toContain(fingerprintOf(world.root.pem));
    expect(issuing).toContain(fingerprintOf(other.rootPem));
    expect(issuing).toContain('CN=Another Root');
    expect((await preflightRecord(harness, integration.id)).outcome).toBe('failed');
  });

  it('reports an unreachable Vault as not run, with a warning that is not a mismatch', async () => {
    const answer = await postFor(harness, `https://127.0.0.1:${await closedPort()}`, undefined);

    expect(answer.status, answer.text).toBe(201);
    const integration = integrationOf(answer);
    expect(integration.preflight?.outcome).toBe('incomplete');
    expect(codesOf(integration).tls).toBe('VAULT_UNREACHABLE');
    const warnings = preflightWarnings(integration);
    expect(warnings.map(({ pointer, code }) => `${pointer} ${code}`)).toEqual([
      '/account/vaultUrl VAULT_PREFLIGHT_NOT_RUN',
    ]);
    expect(warnings[0]!.message).toMatch(/could not be reached from this service/);
    expect(warnings[0]!.message).toMatch(/checked nothing/);
    expect(warnings[0]!.message).toContain('That alone never stops an integration');
  });

  it('says in the dryRun preview too that an unreachable Vault was not checked', async () => {
    const vaultUrl = `https://127.0.0.1:${await closedPort()}`;
    const answer = await harness.call('POST', '/vault-integrations?dryRun=true', {
      body: requestFor(vaultUrl, undefined),
    });

    expect(answer.status, answer.text).toBe(200);
    const plan = answer.body as IntegrationJson & { wouldProceed: boolean };
    expect(plan.wouldProceed).toBe(true);
    const warnings = preflightWarnings(plan);
    expect(warnings.map(({ pointer, code }) => `${pointer} ${code}`)).toEqual([
      '/account/vaultUrl VAULT_PREFLIGHT_NOT_RUN',
    ]);
    // A preview goes on to nothing: the warning must not say an integration went on.
    expect(warnings[0]!.message).not.toMatch(/went on/);
    expect(warnings[0]!.message).toContain('That alone never stops an integration');
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('does not claim a run went on in a preview that would not proceed', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', {
      name: 'my-vault-account',
      provider: 'VAULT',
      provider_url: 'https://other-vault.example.internal:8200',
    });
    const vaultUrl = `https://127.0.0.1:${await closedPort()}`;
    const answer = await harness.call('POST', '/vault-integrations?dryRun=true', {
      body: requestFor(vaultUrl, undefined),
    });

    expect(answer.status, answer.text).toBe(200);
    const plan = answer.body as IntegrationJson & { wouldProceed: boolean };
    expect(plan.wouldProceed).toBe(false);
    const [notRun] = preflightWarnings(plan);
    expect(notRun?.code).toBe('VAULT_PREFLIGHT_NOT_RUN');
    expect(notRun?.message).toMatch(/checked nothing/);
    expect(notRun?.message).not.toMatch(/went on/);
  });

  it('refuses before TSM when the request itself asks for require', async () => {
    world = await startVaultWorld({ health: 'sealed' });
    const answer = await postFor(harness, world.vault.url, world.bundle, {
      vaultPreflight: 'require',
    });

    const problem = expectProblem(answer, 'VAULT_PREFLIGHT_FAILED');
    expect(problem.failedChecks).toEqual([
      expect.objectContaining({ name: 'health', code: 'VAULT_SEALED' }),
    ]);
    expect(tsmCalls(harness.sim)).toEqual([]);
  });

  it('keeps the service mode, with a warning, when a request asks for off', async () => {
    world = await startVaultWorld();
    const answer = await postFor(harness, world.vault.url, world.bundle, { vaultPreflight: 'off' });

    expect(answer.status, answer.text).toBe(201);
    const integration = integrationOf(answer);
    expect(integration.preflight?.mode).toBe('warn');
    expect(preflightWarnings(integration)).toEqual([
      expect.objectContaining({ pointer: '/vaultPreflight', code: 'VAULT_PREFLIGHT_RAISED' }),
    ]);
  });

  it('refuses an unknown vaultPreflight, naming the field', async () => {
    const answer = await postFor(harness, 'https://127.0.0.1:8200', undefined, {
      vaultPreflight: 'strict',
    });

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/vaultPreflight' })]);
  });
});

describe('the Vault preflight under VAULT_PREFLIGHT=off', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: { VAULT_PREFLIGHT: 'off', VAULT_ALLOW_LOOPBACK: 'true' },
    });
  });
  afterAll(() => harness.close());

  it('does not contact Vault, and answers no preflight', async () => {
    world = await startVaultWorld({ health: 'sealed' });
    const answer = await postFor(harness, world.vault.url, world.bundle);

    expect(answer.status, answer.text).toBe(201);
    expect(integrationOf(answer).preflight).toBeUndefined();
    expect(world.vault.requests()).toEqual([]);
  });
});
