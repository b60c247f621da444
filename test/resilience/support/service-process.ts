/**
 * The service as an operator runs it, `node --import tsx src/server.ts`, in a child process that
 * a test can kill with SIGKILL at any moment and start again on the same database. Its port is
 * read from its own log line, and its output is kept for the message of a failing test.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * How long tsx may take to load the server before a start counts as failed: three replicas
 * starting at once on a busy two-core machine have been seen to take over 20 s.
 */
const START_TIMEOUT_MS = 60_000;

/** The child as spawned: no stdin, stdout and stderr piped. */
type Child = ChildProcessByStdio<null, Readable, Readable>;

const LISTENING = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/;

/** A running service process. */
export interface ServiceProcess {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Every line it wrote to stdout and stderr so far. */
  output: string[];
  /** Kills it with SIGKILL, as a crash would, and waits until it is gone. */
  crash(): Promise<void>;
  /** Stops it with SIGTERM, as an operator would, and waits until it is gone. */
  stop(): Promise<void>;
}

/** Starts the service with the given environment (and PATH); resolves once it listens. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      // Requests name the documentation's Vault, on the internet: it is not to be contacted.
      VAULT_PREFLIGHT: 'off',
      // One test caller sends a whole burst; the per-caller write limit is not under test here.
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const url = await listeningUrl(child, output);
  return {
    url,
    output,
    crash: () => ended(child, 'SIGKILL'),
    stop: () => ended(child, 'SIGTERM'),
  };
}

function listeningUrl(child: Child, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start:\n${output.join('\n')}`));
    }, START_TIMEOUT_MS);
    const exited = (code: number | null) => {
      clearTimeout(guard);
      reject(new Error(`the service exited (${code}) before listening:\n${output.join('\n')}`));
    };
    child.once('exit', exited);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const match = LISTENING.exec(messageOf(line));
      if (match?.[1] === undefined) return;
      clearTimeout(guard);
      child.off('exit', exited);
      resolve(match[1]);
    });
  });
}

/** The msg of a pino JSON line; empty for any other line. */
function messageOf(line: string): string {
  try {
    const parsed: unknown = JSON.parse(line);
    const msg = typeof parsed === 'object' && parsed !== null && 'msg' in parsed && parsed.msg;
    return typeof msg === 'string' ? msg : '';
  } catch {
    return '';
  }
}

async function ended(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill(signal);
  await exit;
}
