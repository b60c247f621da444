import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../src/simulator/cli-options.js';
import { call, CHAIN } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runSimulator(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts', ...args], {
    cwd: ROOT,
  });
}

/**
 * Resolves with the URL the simulator announces. Its output keeps being read afterwards: leaving
 * a `for await` loop would destroy the pipe, and the simulator's next line would then fail.
 */
function announcedUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', () => {
      reject(new Error(`the simulator exited without announcing its URL: ${output}`));
    });
  });
}

describe('the simulator command', () => {
  let child: ChildProcessWithoutNullStreams | undefined;

  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its URL and API token, serves TSM and CSP, and stops on SIGTERM', async () => {
    child = runSimulator(['--port', '0', '--api-token', 'cli-token', '--latency-ms', '1']);

    const url = await announcedUrl(child);
    const exchange = await call(`${url}/csp/gateway/am/api/auth/api-tokens/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'refresh_token=cli-token',
    });
    const seeded = await call(`${url}/_sim/resources/certificates/b`, {
      method: 'PUT',
      body: { name: 'b', certificateAuthorityBundle: { cert_chain: CHAIN } },
    });
    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    expect(exchange.status).toBe(200);
    expect(seeded.status).toBe(204);
    expect(await exited).toEqual([0, null]);
  });

  it('exits 2 with a message naming a bad flag', async () => {
    child = runSimulator(['--latency-ms', 'soon']);
    let errorOutput = '';
    child.stderr.on('data', (chunk) => (errorOutput += String(chunk)));

    const exit: unknown[] = await once(child, 'exit');

    expect(exit[0]).toBe(2);
    expect(errorOutput).toContain('--latency-ms must be a whole number');
  });

  it('reads every option from its flags', () => {
    const options = optionsFromArgs([
      ...['--host', '0.0.0.0', '--port', '4000', '--api-token', 'a', '--api-token', 'b'],
      ...['--token-ttl-seconds', '60', '--expired-token-status', '403', '--latency-ms', '20'],
      ...['--journal-limit', '500'],
    ]);

    expect(options).toEqual({
      help: false,
      host: '0.0.0.0',
      port: 4000,
      apiTokens: ['a', 'b'],
      accessTokenTtlSeconds: 60,
      expiredTokenStatus: 403,
      latencyMs: 20,
      journalLimit: 500,
      logger: false,
    });
  });

  it('refuses an expired-token status other than 401 or 403', () => {
    expect(() => optionsFromArgs(['--expired-token-status', '500'])).toThrow(/401 or 403/);
  });
});
