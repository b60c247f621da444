import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest, tsmWrites } from '../support/requests.js';
import { asYaml, fileFolder, printedJson, runCli, serviceEnv } from './support.js';

const CA_ID = 'my-vault-ca-configuration';

describe('tsm-vault-integrations preview, delete and accepted runs', () => {
  let harness: Harness;
  let files: Awaited<ReturnType<typeof fileFolder>>;
  let file: string;
  beforeAll(async () => {
    harness = await startHarness();
    files = await fileFolder();
    file = await files.write('mesh.yaml', asYaml(documentationRequest()));
  });
  afterAll(async () => {
    await harness.close();
    await files.remove();
  });
  afterEach(() => harness.sim.reset());

  /** Creates the guide's integration through the client; returns its id. */
  async function created(): Promise<string> {
    const run = await runCli(['create', file, '--json'], { env: serviceEnv(harness) });
    expect(run.code).toBe(0);
    return String(printedJson(run).id);
  }

  it('previews the plan per resource without writing to TSM, and exits 0', async () => {
    const run = await runCli(['preview', file], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Preview for CA label my-ca-label (nothing was changed in TSM):');
    expect(run.stdout).toMatch(/account\s+my-vault-account\s+create\s+\/tsm\/v1alpha1/);
    expect(run.stdout).toContain('A real run would go ahead.');
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('exits 4 for a preview with a conflict, and --json carries the exact bodies', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', {
      name: 'my-vault-account',
      provider: 'VAULT',
      provider_url: 'https://other-vault.example.internal:8200',
    });

    const run = await runCli(['preview', file, '--json'], { env: serviceEnv(harness) });

    expect(run.code).toBe(4);
    const plan = printedJson(run) as {
      wouldProceed: boolean;
      resources: Record<string, unknown>[];
    };
    expect(plan.wouldProceed).toBe(false);
    expect(plan.resources).toContainEqual(
      expect.objectContaining({ kind: 'account', action: 'conflict' }),
    );
    const bundle = plan.resources.find((resource) => resource.kind === 'caBundle');
    expect(bundle?.action).toBe('create');
    expect(bundle?.body).toMatchObject({ certificateType: 'CertificateAuthorityBundle' });
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('follows a run the service accepted (202) and tells so before its steps', async () => {
    const run = await runCli(['create', file, '--poll-interval', '0.05'], {
      env: serviceEnv(harness),
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Accepted: integration [0-9a-f-]{36}; following it\.$/m);
    expect(run.stderr).toMatch(/write certificateAuthority\s+succeeded/);
    expect(run.stderr.indexOf('Accepted')).toBeLessThan(run.stderr.indexOf('write caBundle'));
    expect(run.stdout).toMatch(/^Integration [0-9a-f-]{36}: succeeded$/m);
  });

  it('returns at once with --no-wait, and show --wait follows the run to its end', async () => {
    const run = await runCli(['create', file, '--no-wait', '--json'], { env: serviceEnv(harness) });
    const accepted = printedJson(run);
    const waited = await runCli(
      ['show', String(accepted.id), '--wait', '--poll-interval', '0.05'],
      {
        env: serviceEnv(harness),
      },
    );

    expect(run.code).toBe(0);
    expect(accepted.status).toBe('in_progress');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`Integration ${String(accepted.id)}: succeeded`);
  });

  it('deletes an integration, exits 0 and leaves nothing of it in TSM', async () => {
    const id = await created();

    const run = await runCli(['delete', id], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Integration ${id}: deleted`);
    expect(harness.sim.resources('certificate-authorities').size).toBe(0);
    expect(harness.sim.resources('external-accounts').size).toBe(0);
    expect(harness.sim.resources('certificates').size).toBe(0);
  });

  it('shows who deleted an integration and when, for a deleted one', async () => {
    const id = await created();
    expect((await runCli(['delete', id], { env: serviceEnv(harness) })).code).toBe(0);

    const run = await runCli(['show', id], { env: serviceEnv(harness) });

    const { deletion } = (await harness.call('GET', `/vault-integrations/${id}`)).body as {
      deletion: { actor: string; requestId: string; startedAt: string; finishedAt: string };
    };
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Integration ${id}: deleted`);
    expect(run.stdout).toContain('Deletion:');
    expect(run.stdout).toMatch(new RegExp(`actor\\s+${deletion.actor}\\n`));
    expect(run.stdout).toMatch(new RegExp(`request\\s+${deletion.requestId}\\n`));
    expect(run.stdout).toMatch(new RegExp(`started\\s+${deletion.startedAt}\\n`));
    expect(run.stdout).toMatch(new RegExp(`finished\\s+${deletion.finishedAt}\\n`));
  });

  it('shows a deletion still running as started and not yet finished', async () => {
    const request = documentationRequest();
    request.caBundle = { ...request.caBundle!, id: 'deleting-bundle' };
    request.account.id = 'deleting-account';
    request.certificateAuthority = { ...request.certificateAuthority, id: 'deleting-ca' };
    const answer = await harness.call('POST', '/vault-integrations', { body: request });
    const { id } = answer.body as { id: string };
    // Another replica is deleting it right now: its lease runs for a while yet.
    const state = await harness.store.getIntegrationState(id);
    if (state === undefined) throw new Error('the integration was not stored');
    const deletion = {
      actor: 'ops-team',
      requestId: 'CHG-4712',
      startedAt: new Date().toISOString(),
    };
    const started = await harness.store.startDeletion({
      state: { ...state, integration: { ...state.integration, status: 'deleting', deletion } },
      expectedStatus: 'succeeded',
      claims: state.journal.map((entry) => ({ kind: entry.kind, id: entry.id })),
      lease: { owner: 'other-replica', expiresAt: new Date(Date.now() + 600_000).toISOString() },
      audit: [],
    });
    expect(started).toEqual({ started: true });

    const run = await runCli(['show', id], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Integration ${id}: deleting`);
    expect(run.stdout).toMatch(/Deletion:\n\s+actor\s+ops-team\n\s+request\s+CHG-4712\n/);
    expect(run.stdout).toContain(`started   ${deletion.startedAt}`);
    expect(run.stdout).toMatch(/finished\s+not yet/);
  });

  it('exits 4 when TSM says the CA label is still in use, and 7 for an unknown id', async () => {
    const id = await created();
    harness.sim.markInUse('certificate-authorities', CA_ID);

    const inUse = await runCli(['delete', id, '--json'], { env: serviceEnv(harness) });
    const unknown = await runCli(['delete', '00000000-0000-4000-8000-000000000000'], {
      env: serviceEnv(harness),
    });

    expect(inUse.code).toBe(4);
    expect(printedJson(inUse)).toMatchObject({ code: 'CA_LABEL_IN_USE' });
    expect(harness.sim.resource('certificate-authorities', CA_ID)).toBeDefined();
    expect(unknown.code).toBe(7);
    expect(unknown.stderr).toContain('404 NOT_FOUND');
  });
});
