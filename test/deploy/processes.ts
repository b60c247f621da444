/**
 * Child processes for the container-file tests: the TypeScript build, the image's start command
 * and its health check, each run the way the image runs them, on this machine's Node.js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** How a finished process ended, with what it printed. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** A process that is running, its output so far, and a promise of its end. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  finished: Promise<Finished>;
}

/** Starts `command` (its first word "node" meaning this Node.js) in `cwd` with exactly `env`. */
export function start(command: string[], cwd: string, env: Record<string, string>): Running {
  const [program, ...args] = command;
  const executable = program === 'node' ? process.execPath : program;
  if (executable === undefined) throw new Error('an empty command');

  const child = spawn(executable, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
  return { child, output: () => output, finished };
}

/** Runs `command` to its end; kills it after `limitMs` so a hung process fails the test. */
export async function run(
  command: string[],
  cwd: string,
  env: Record<string, string>,
  limitMs: number,
): Promise<Finished> {
  const running = start(command, cwd, env);
  const guard = setTimeout(() => running.child.kill('SIGKILL'), limitMs);
  try {
    return await running.finished;
  } finally {
    clearTimeout(guard);
  }
}

/** Resolves once the process has printed something matching `pattern`; rejects if it ends. */
export function printed(running: Running, pattern: RegExp): Promise<void> {
  const { child } = running;
  return new Promise((resolve, reject) => {
    const stop = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('close', ended);
    };
    // start()'s own listeners come first, so the output already holds the chunk.
    function check(): void {
      if (!pattern.test(running.output())) return;
      stop();
      resolve();
    }
    function ended(code: number | null): void {
      stop();
      reject(new Error(`ended (code ${String(code)}) before printing it:\n${running.output()}`));
    }
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('close', ended);
    check();
  });
}

/** A TCP port nothing listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
