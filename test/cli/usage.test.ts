import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { PROBLEM_EXIT_CODES } from '../../src/cli/exit-codes.js';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import { CA_PATH, documentationRequest } from '../support/requests.js';
import { asYaml, fileFolder, printedJson, runCli, serviceEnv } from './support.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READER_KEY = 'reader-key-8e1f0a6b2c4d9e37';
const WRONG_KEY = 'wrong-key-5f2a9c7e1d3b8a64';

describe('tsm-vault-integrations credentials, reachability and flags', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: { API_KEYS: `portal=${CALLER_KEY},reader[integrations:read]=${READER_KEY}` },
    });
  });
  afterAll(() => harness.close());

  it('exits 3 without a credential, and says where to put one', async () => {
    const run = await runCli(['list'], { env: { VAULT_INTEGRATIONS_URL: harness.url } });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('401 UNAUTHORIZED');
    expect(run.stderr).toContain('VAULT_INTEGRATIONS_API_KEY');
  });

  it('exits 3 for an unknown key given as a flag, and prints it nowhere', async () => {
    const run = await runCli(['list', '--url', harness.url, '--api-key', WRONG_KEY]);
    const json = await runCli(['show', '00000000-0000-4000-8000-000000000000', '--json'], {
      env: { VAULT_INTEGRATIONS_URL: harness.url, VAULT_INTEGRATIONS_TOKEN: WRONG_KEY },
    });

    expect(run.code).toBe(3);
    expect(json.code).toBe(3);
    expect(printedJson(json)).toMatchObject({ code: 'UNAUTHORIZED' });
    for (const output of [run.stdout, run.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(WRONG_KEY);
    }
  });

  it('exits 3 when the key lacks the scope of the command, though it may read', async () => {
    const files = await fileFolder();
    try {
      const file = await files.write('mesh.yaml', asYaml(documentationRequest()));
      const env = { VAULT_INTEGRATIONS_URL: harness.url, VAULT_INTEGRATIONS_API_KEY: READER_KEY };

      const create = await runCli(['create', file], { env });
      const list = await runCli(['list', '--json'], { env });

      expect(create.code).toBe(3);
      expect(create.stderr).toContain('403 INSUFFICIENT_SCOPE');
      expect(list.code).toBe(0);
    } finally {
      await files.remove();
    }
  });

  it('exits 5 when the service cannot be reached, without echoing credentials of the URL', async () => {
    const closed = `http://someone:${WRONG_KEY}@127.0.0.1:1`;

    const run = await runCli(['list', '--url', closed, '--json'], {
      env: { VAULT_INTEGRATIONS_API_KEY: WRONG_KEY },
    });

    expect(run.code).toBe(5);
    expect(printedJson(run)).toMatchObject({ code: 'SERVICE_UNREACHABLE' });
    expect(run.stderr).toContain('The service at http://127.0.0.1:1 could not be reached');
    expect(run.stdout + run.stderr).not.toContain(WRONG_KEY);
  });

  it('exits 5 when the service does not answer within --timeout', async () => {
    const files = await fileFolder();
    try {
      const file = await files.write('slow.yaml', asYaml(documentationRequest()));
      harness.sim.injectFault({ method: 'PUT', path: CA_PATH, delayMs: 4_000 });

      const run = await runCli(['create', file, '--timeout', '0.5'], { env: serviceEnv(harness) });

      expect(run.code).toBe(5);
      // Answered at once or followed, the client gives up at the deadline and says why.
      expect(run.stderr).toContain('(--timeout)');
    } finally {
      await files.remove();
    }
  });

  it('exits 2 for a flag the command does not take, or for two credentials', async () => {
    const wrongFlag = await runCli(['show', 'x', '--status', 'succeeded']);
    const both = await runCli(['list', '--api-key', WRONG_KEY, '--token', WRONG_KEY]);
    const unknown = await runCli(['remove', 'x']);

    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toContain('--status is not a flag of show');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    expect(both.stderr).not.toContain(WRONG_KEY);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "remove"');
  });

  it('runs through npx from the package, as a clone after npm ci does', async () => {
    // A non-zero exit rejects, so reaching the expectation means npx exited 0.
    const run = await promisify(execFile)(
      'npx',
      ['--offline', 'tsm-vault-integrations', 'list', '--url', harness.url, '--json'],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...serviceEnv(harness) } },
    );

    expect(JSON.parse(run.stdout)).toHaveProperty('integrations');
  });

  it('prints its help, with every exit status, on --help', async () => {
    const run = await runCli(['--help']);

    expect(run.code).toBe(0);
    for (const command of ['create', 'preview', 'show', 'list', 'delete']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    for (const status of [0, 1, 2, 3, 4, 5, 6, 7]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${status}  \\S`, 'm'));
    }
  });
});

describe('exit statuses', () => {
  it('give every error code of the service its own exit status', () => {
    for (const code of Object.keys(ERRORS)) expect(PROBLEM_EXIT_CODES[code], code).toBeDefined();
  });
});
