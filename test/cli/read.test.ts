import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest } from '../support/requests.js';
import { printedJson, runCli, serviceEnv } from './support.js';

interface Listed {
  integrations: { id: string; status: string; caLabel: string }[];
  nextCursor?: string;
}

/** Creates the guide's integration under another CA label (and ids); returns its id. */
async function createWithLabel(harness: Harness, label: string): Promise<string> {
  const request = documentationRequest();
  request.caBundle = { ...request.caBundle!, id: `${label}-bundle` };
  request.account.id = `${label}-account`;
  request.certificateAuthority = { ...request.certificateAuthority, id: `${label}-ca`, label };
  const answer = await harness.call('POST', '/vault-integrations', { body: request });
  return (answer.body as { id: string }).id;
}

describe('tsm-vault-integrations show and list', () => {
  let harness: Harness;
  const ids: string[] = [];
  beforeAll(async () => {
    harness = await startHarness();
    for (const label of ['mesh-a', 'mesh-b', 'mesh-c'])
      ids.push(await createWithLabel(harness, label));
  });
  afterAll(() => harness.close());

  it('shows an integration readably and exits 0', async () => {
    const run = await runCli(['show', ids[1]!], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Integration ${ids[1]}: succeeded`);
    expect(run.stdout).toMatch(/certificateAuthority\s+mesh-b-ca\s+created/);
  });

  it('shows the very JSON the service answers with --json', async () => {
    const run = await runCli(['show', ids[0]!, '--json'], { env: serviceEnv(harness) });
    const direct = await harness.call('GET', `/vault-integrations/${ids[0]}`);

    expect(run.code).toBe(0);
    expect(printedJson(run)).toEqual(direct.body);
  });

  it('exits 7 for an integration that does not exist', async () => {
    const run = await runCli(['show', '00000000-0000-4000-8000-000000000000'], {
      env: serviceEnv(harness),
    });

    expect(run.code).toBe(7);
    expect(run.stderr).toContain('404 NOT_FOUND');
  });

  it('lists newest first as a table, and says how to get the next page', async () => {
    const run = await runCli(['list', '--limit', '2'], { env: serviceEnv(harness) });

    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n');
    expect(rows[0]).toMatch(/^CREATED\s+ID\s+STATUS\s+CA LABEL\s+ACTOR$/);
    expect(rows[1]).toContain(ids[2]);
    expect(rows[2]).toContain(ids[1]);
    expect(rows[3]).toMatch(/^More: add --cursor \S+ \(or --all\)\.$/);
  });

  it('follows every page with --all and prints them as one JSON list', async () => {
    const run = await runCli(['list', '--limit', '1', '--all', '--json'], {
      env: serviceEnv(harness),
    });

    expect(run.code).toBe(0);
    const listed = printedJson(run) as unknown as Listed;
    expect(listed.integrations.map((integration) => integration.id)).toEqual([...ids].reverse());
    expect(listed.nextCursor).toBeUndefined();
  });

  it('passes a cursor on and filters by status', async () => {
    const first = await runCli(['list', '--limit', '1', '--json'], { env: serviceEnv(harness) });
    const cursor = (printedJson(first) as unknown as Listed).nextCursor!;

    const next = await runCli(['list', '--limit', '1', '--cursor', cursor, '--json'], {
      env: serviceEnv(harness),
    });
    const failed = await runCli(['list', '--status', 'rolled_back', '--json'], {
      env: serviceEnv(harness),
    });

    expect((printedJson(next) as unknown as Listed).integrations[0]?.id).toBe(ids[1]);
    expect(printedJson(failed)).toEqual({ integrations: [] });
  });

  it('exits 2 with the pointer of a filter the service refuses', async () => {
    const run = await runCli(['list', '--status', 'sleeping'], { env: serviceEnv(harness) });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('400 VALIDATION_FAILED');
    expect(run.stderr).toContain('/status');
  });
});
