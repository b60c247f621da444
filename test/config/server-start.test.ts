/**
 * The server process as an operator starts it: with a bad environment it refuses to start,
 * exits non-zero and says on stderr which variable to fix, without printing a secret.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_TOKEN = 'tsm-api-token-do-not-print-1';
const CALLER_KEY = 'caller-key-do-not-print-3';
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

/** Runs `node --import tsx src/server.ts` with only the given variables (and PATH). */
function startServer(env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), GIVE_UP_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}
