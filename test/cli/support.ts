/**
 * Runs the command-line client as a user would, `bin/tsm-vault-integrations.js` in a child
 * process, and keeps what it printed and how it exited. Files it reads are written to a temp
 * folder; the request of TSM's guide is also given as the YAML an operator would write by hand.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IntegrationRequest } from '../../src/domain/integration-request.js';
import { CALLER_KEY, type Harness } from '../support/service-harness.js';

const BIN = fileURLToPath(new URL('../../bin/tsm-vault-integrations.js', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How the client ended and what it wrote. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The environment beyond PATH; nothing else of the test's environment is passed on. */
  env?: Record<string, string>;
  stdin?: string;
  /** Called with each chunk of standard error as it arrives. */
  onStderr?: (soFar: string) => void;
}

/** Runs the client with these arguments and resolves once it has exited. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
    options.onStderr?.(stderr);
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment that points the client at a harness's service with its caller key. */
export function serviceEnv(harness: Harness): Record<string, string> {
  return { VAULT_INTEGRATIONS_URL: harness.url, VAULT_INTEGRATIONS_API_KEY: CALLER_KEY };
}

/** A temp folder for request files; remove() deletes it. */
export async function fileFolder(): Promise<{
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}> {
  const folder = await mkdtemp(join(tmpdir(), 'tvi-cli-'));
  return {
    async write(name, text) {
      const path = join(folder, name);
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}

/** A request as the YAML an operator writes: the PEM pasted as a block, as it is. */
export function asYaml(request: IntegrationRequest): string {
  const pem = request.caBundle?.pem ?? '';
  const block = pem
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`);
  const section = (name: string, fields: object) => [
    `${name}:`,
    ...Object.entries(fields)
      .filter(([key]) => key !== 'pem')
      .map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
  ];
  return [
    '# Vault as the CA of the payments mesh (ticket OPS-1234)',
    ...section('caBundle', request.caBundle ?? {}),
    '  pem: |',
    ...block,
    ...section('account', request.account),
    ...section('certificateAuthority', request.certificateAuthority),
    '',
  ].join('\n');
}

/** The JSON a command printed on standard output, parsed. */
export function printedJson(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}
