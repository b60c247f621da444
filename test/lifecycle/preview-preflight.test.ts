/**
 * A preview under VAULT_PREFLIGHT=require over real HTTP: it shows the Vault preflight's verdict
 * beside the TSM plan, says a real run would stop when a check fails, and still writes nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleOf, makeIntermediate, makeRoot } from '../support/certificates.js';
import { tsmWrites } from '../support/requests.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectStatus } from '../http/support/http-expectations.js';
import { requestFor, startVaultWorld, type VaultWorld } from '../vault/support/vault-world.js';

interface PreviewView {
  wouldProceed: boolean;
  resources: { action: string }[];
  preflight?: { mode: string; outcome: string };
  preflightFailure?: { code: string };
}

describe('a preview with the Vault preflight required', () => {
  let harness: Harness;
  let world: VaultWorld;
  beforeAll(async () => {
    harness = await startHarness({
      env: {
        VAULT_PREFLIGHT: 'require',
        VAULT_PREFLIGHT_TIMEOUT_MS: '1000',
        // The test Vault listens on loopback.
        VAULT_ALLOW_LOOPBACK: 'true',
      },
    });
    world = await startVaultWorld();
  });
  afterAll(async () => {
    await world.vault.close();
    await harness.close();
  });
  afterEach(() => harness.sim.reset());

  const preview = async (bundle: string) => {
    const answer = await harness.call('POST', '/vault-integrations?dryRun=true', {
      body: requestFor(world.vault.url, bundle),
    });
    return expectStatus<PreviewView>(answer, 200);
  };

  it('shows a passed preflight and a plan that would proceed', async () => {
    const plan = await preview(world.bundle);

    expect(plan.preflight).toMatchObject({ mode: 'require', outcome: 'passed' });
    expect(plan.wouldProceed).toBe(true);
    expect(plan.preflightFailure).toBeUndefined();
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('says a real run would stop when the bundle is of another CA, writing nothing', async () => {
    const otherRoot = await makeRoot({ subject: 'Another Root' });
    const other = bundleOf(await makeIntermediate(otherRoot, { subject: 'Another CA' }), otherRoot);

    const plan = await preview(other);

    expect(plan.preflight).toMatchObject({ mode: 'require', outcome: 'failed' });
    expect(plan.preflightFailure?.code).toBe('VAULT_PREFLIGHT_FAILED');
    expect(plan.wouldProceed).toBe(false);
    expect(plan.resources.map((resource) => resource.action)).toEqual([
      'create',
      'create',
      'create',
    ]);
    expect(tsmWrites(harness.sim)).toEqual([]);
  });
});
