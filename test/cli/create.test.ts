import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { CA_PATH, documentationRequest } from '../support/requests.js';
import { asYaml, fileFolder, printedJson, runCli, serviceEnv } from './support.js';

describe('tsm-vault-integrations create', () => {
  let harness: Harness;
  let files: Awaited<ReturnType<typeof fileFolder>>;
  beforeAll(async () => {
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '600000' } });
    files = await fileFolder();
  });
  afterAll(async () => {
    await harness.close();
    await files.remove();
  });
  afterEach(() => harness.sim.reset());

  it('creates the integration of a YAML file, shows it readably and exits 0', async () => {
    const file = await files.write('mesh.yaml', asYaml(documentationRequest()));

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Integration [0-9a-f-]{36}: succeeded$/m);
    expect(run.stdout).toContain('Onboard clusters with the CA label "my-ca-label".');
    expect(run.stdout).toMatch(/account\s+my-vault-account\s+created/);
    expect(harness.sim.resource('certificate-authorities', 'my-vault-ca-configuration')).toEqual(
      expect.objectContaining({ accountId: 'my-vault-account' }),
    );
  });

  it('creates the integration of examples/integration.yaml, the file the README shows', async () => {
    const example = fileURLToPath(new URL('../../examples/integration.yaml', import.meta.url));

    const run = await runCli(['create', example, '--json'], { env: serviceEnv(harness) });

    expect(run.code, run.stderr).toBe(0);
    expect(printedJson(run)).toMatchObject({ status: 'succeeded', caLabel: 'my-ca-label' });
    // The same request as examples/integration.json: TSM holds the documentation's bodies.
    expect(harness.sim.resource('certificate-authorities', 'my-vault-ca-configuration')).toEqual(
      expect.objectContaining({ accountId: 'my-vault-account' }),
    );
  });

  it('prints only the JSON answer with --json, for a request read from a JSON file', async () => {
    const file = await files.write('mesh.json', JSON.stringify(documentationRequest()));

    const run = await runCli(['create', file, '--json'], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const integration = printedJson(run);
    expect(integration).toMatchObject({ status: 'succeeded', caLabel: 'my-ca-label' });
    const stored = await harness.call('GET', `/vault-integrations/${String(integration.id)}`);
    expect(stored.body).toEqual(integration);
  });

  it('reads the request from standard input given as -', async () => {
    const run = await runCli(['create', '-', '--json'], {
      env: serviceEnv(harness),
      stdin: asYaml(documentationRequest()),
    });

    expect(run.code).toBe(0);
    expect(printedJson(run).status).toBe('succeeded');
  });

  it('exits 2 and names each field the service refuses', async () => {
    const request = documentationRequest();
    request.certificateAuthority.vaultPath = 'pki_int/issue/example-dot-com';
    const file = await files.write('bad.json', JSON.stringify(request));

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('400 VALIDATION_FAILED');
    expect(run.stderr).toContain('/certificateAuthority/vaultPath');
    expect(harness.sim.requests()).toEqual([]);
  });

  // Whether the service answers at once or the client follows a run it accepted, the outcome
  // is shown, on standard output or error, with the code of the failure.
  it('exits 4 on a conflicting resource in TSM, naming the conflict', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', {
      name: 'my-vault-account',
      provider: 'VAULT',
      provider_url: 'https://other-vault.example.internal:8200',
    });
    const file = await files.write('conflict.yaml', asYaml(documentationRequest()));

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(4);
    expect(run.stdout + run.stderr).toContain('Failure: TSM_RESOURCE_EXISTS');
    expect(run.stdout + run.stderr).toMatch(/conflict\s+account my-vault-account/);
  });

  it('exits 1 when TSM fails a step for good and the integration is rolled back', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
    const file = await files.write('rejected.yaml', asYaml(documentationRequest()));

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('Failure: TSM_REJECTED');
    expect(run.stdout + run.stderr).toMatch(/^Integration [0-9a-f-]{36}: rolled_back$/m);
    expect(harness.sim.resources('external-accounts').size).toBe(0);
  });

  it('exits 6 and lists what stays in TSM when the rollback fails', async () => {
    // Ids of its own: a failed rollback keeps its claims on them until recovery is done.
    const request = documentationRequest();
    request.caBundle = { ...request.caBundle!, id: 'stuck-bundle' };
    request.account.id = 'stuck-account';
    request.certificateAuthority.id = 'stuck-ca';
    harness.sim.injectFault({
      method: 'PUT',
      path: /certificate-authorities\/stuck-ca$/,
      status: 400,
    });
    harness.sim.injectFault({
      method: 'DELETE',
      path: /external-accounts\/stuck-account$/,
      status: 500,
      count: Infinity,
    });
    const file = await files.write('stuck.yaml', asYaml(request));

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(6);
    expect(run.stdout + run.stderr).toContain('Failure: ROLLBACK_FAILED');
    expect(run.stdout + run.stderr).toContain('Left in TSM (an operator must look):');
    expect(run.stdout + run.stderr).toMatch(/account\s+stuck-account\s+created-not-deleted/);
  });

  it('exits 2 naming the line of a file that is not YAML, without sending anything', async () => {
    const file = await files.write('broken.yaml', 'caBundle:\n  id: [unclosed\naccount: {}\n');

    const run = await runCli(['create', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml is not valid YAML or JSON at line \d/);
    expect(harness.sim.requests()).toEqual([]);
  });

  it('exits 2 when the file cannot be read', async () => {
    const run = await runCli(['create', '/nonexistent/mesh.yaml', '--json'], {
      env: serviceEnv(harness),
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cannot read /nonexistent/mesh.yaml (ENOENT)');
    expect(printedJson(run)).toMatchObject({ code: 'USAGE' });
  });
});
