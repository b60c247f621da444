import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOf, makeIntermediate, makeRoot } from '../support/certificates.js';
import { tsmWrites } from '../support/requests.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { requestFor, startVaultWorld, type VaultWorld } from '../vault/support/vault-world.js';
import { fileFolder, runCli, serviceEnv } from './support.js';

describe('tsm-vault-integrations with the Vault preflight required', () => {
  let harness: Harness;
  let world: VaultWorld;
  let files: Awaited<ReturnType<typeof fileFolder>>;
  let foreignFile: string;
  beforeAll(async () => {
    harness = await startHarness({
      // The simulated Vault listens on loopback, which VAULT_ALLOW_LOOPBACK lets a request name.
      env: {
        VAULT_PREFLIGHT: 'require',
        VAULT_PREFLIGHT_TIMEOUT_MS: '1000',
        VAULT_ALLOW_LOOPBACK: 'true',
      },
    });
    world = await startVaultWorld();
    files = await fileFolder();
    const otherRoot = await makeRoot({ subject: 'Another Root' });
    const other = bundleOf(await makeIntermediate(otherRoot, { subject: 'Another CA' }), otherRoot);
    foreignFile = await files.write(
      'foreign.json',
      JSON.stringify(requestFor(world.vault.url, other)),
    );
  });
  afterAll(async () => {
    await world.vault.close();
    await harness.close();
    await files.remove();
  });

  it("shows the preflight's verdict in a preview and exits 1 when a run would stop", async () => {
    const run = await runCli(['preview', foreignFile], { env: serviceEnv(harness) });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Vault preflight (require): failed');
    expect(run.stdout).toContain('VAULT_PREFLIGHT_FAILED');
    expect(run.stdout).toContain('A real run would stop before writing anything.');
  });

  it('exits 1 when create is stopped by the preflight, and nothing reaches TSM', async () => {
    const run = await runCli(['create', foreignFile], { env: serviceEnv(harness) });

    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('VAULT_PREFLIGHT_FAILED');
    expect(tsmWrites(harness.sim)).toEqual([]);
  });
});
