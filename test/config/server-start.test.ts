/**
 * The server process as an operator starts it: with a bad environment it refuses to start,
 * exits non-zero and says on stderr which variable to fix, without printing a secret.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_TOKEN = 'tsm-api-token-do-not-print-1';
const CALLER_KEY = 'caller-key-do-not-print-3';
/** A valid environment on any free port, for the cases that vary only the database. */
const SERVICE = {
  TSM_URL: 'https://tsm.example.com',
  TSM_API_TOKEN: API_TOKEN,
  API_KEYS: `portal=${CALLER_KEY}`,
  PORT: '0',
};
/** Long enough for tsx to load the server; a server that does start is stopped after it. */
const GIVE_UP_MS = 20_000;

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
}

describe('starting the server with a bad environment', () => {
  it.each<[string, Record<string, string>, string]>([
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['no TSM_URL', { TSM_URL: '' }, 'TSM_URL'],
    ['no API_KEYS and no AUTH_DISABLED', { API_KEYS: '' }, 'API_KEYS'],
    ['a key written where the name belongs', { API_KEYS: `${CALLER_KEY}=portal` }, 'API_KEYS'],
  ])('refuses to start with %s and names the variable', async (_case, change, variable) => {
    const exit = await startServer({
      TSM_URL: 'https://tsm.example.com',
      TSM_API_TOKEN: API_TOKEN,
      API_KEYS: `portal=${CALLER_KEY}`,
      DATABASE_URL: join(tmpdir(), `tvi-never-opened-${process.pid}.db`),
      ...change,
    });

    expect(exit.code, exit.stderr).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.stderr).toContain(`${variable}:`);
    for (const secret of [API_TOKEN, CALLER_KEY]) {
      expect(exit.stderr).not.toContain(secret);
      expect(exit.stdout).not.toContain(secret);
    }
  });
});

describe('where the SQLite file goes', () => {
  it('refuses a configured path whose folder does not exist, and creates no folder', async () => {
    const missing = join(tmpdir(), `tvi-missing-${process.pid}`);
    const exit = await startServer({ ...SERVICE, DATABASE_URL: join(missing, 'dir', 'x.db') });

    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`DATABASE_URL: the folder ${join(missing, 'dir')}`);
    expect(exit.stderr).toMatch(/create it \(or mount the volume there\)/);
    expect(existsSync(missing)).toBe(false);
  });

  it('creates ./data for the default location, and starts', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tvi-default-db-'));
    try {
      const exit = await startServer(SERVICE, { cwd, stopWhenListening: true });

      expect(exit.stdout, exit.stderr).toMatch(/listening/i);
      expect(existsSync(join(cwd, 'data', 'vault-integrations.db'))).toBe(true);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('a PostgreSQL DATABASE_URL that cannot be used', () => {
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

  it.each([
    ['no server answers', 'postgres://postgres@127.0.0.1:1/test', 'no connection to PostgreSQL'],
    [
      'the schema of its search_path does not exist',
      withSearchPath(server, `tvi_no_such_schema_${process.pid}`),
      'create it first (CREATE SCHEMA)',
    ],
  ])('stops start-up when %s: exit 2, one line naming DATABASE_URL', async (_case, url, says) => {
    const exit = await startServer({ ...SERVICE, DATABASE_URL: url });

    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain('DATABASE_URL: ');
    expect(exit.stderr).toContain(says);
    // A message for the operator, not a stack trace.
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });
});

function withSearchPath(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

interface StartOptions {
  /** The working folder; the project's by default. */
  cwd?: string;
  /** Stop the server (SIGTERM) once it says it is listening. */
  stopWhenListening?: boolean;
}

/** Runs `node --import tsx src/server.ts` with only the given variables (and PATH). */
function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<Exit> {
  // tsx and the server as the project resolves them, so any working folder will do.
  const args = ['--import', import.meta.resolve('tsx'), join(PROJECT_ROOT, 'src/server.ts')];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (options.stopWhenListening === true && /listening/i.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), GIVE_UP_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}
