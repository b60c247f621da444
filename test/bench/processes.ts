/**
 * The processes a benchmark run measures: the TSM simulator, the floor and the service, each a
 * child of its own so that its CPU time and memory are its own. CPU and memory are read from
 * /proc (Linux), which counts every thread of the child and needs nothing from inside it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

/** The project's root folder, where the children run. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** A running child: its pid, the URL it serves, and how to stop it. */
export interface Child {
  name: string;
  pid: number;
  url: string;
  /** Stops it with SIGTERM, SIGKILL if it lingers; resolves once it has exited. */
  stop(): Promise<void>;
}

/** What /proc says of a process at one moment. */
export interface ProcessSample {
  /** User and system CPU time of all its threads so far. */
  cpuMs: number;
  /** Resident memory now. */
  rssBytes: number;
  /** The highest resident memory since it started, or since its peak was last reset. */
  peakRssBytes: number;
}

/** Starts an entry point (a TypeScript one under tsx), its output written to `logFile`. */
export async function startChild(options: {
  name: string;
  script: string;
  args?: string[];
  /** Flags for node itself, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  logFile: string;
  /** How to learn its URL: from a line it prints, or a known URL polled until it answers. */
  ready: { printed: RegExp } | { url: string; probePath: string };
}): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.script.endsWith('.ts') ? ['--import', 'tsx'] : []),
      options.script,
      ...(options.args ?? []),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(options.logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = once(child, 'exit');
  const waiting = new AbortController();
  try {
    const url = await withTimeout(
      Promise.race([
        readyUrl(child, options.ready, waiting.signal),
        exited.then(() => exitedEarly(options)),
      ]),
      `${options.name} did not start within ${START_TIMEOUT_MS} ms (see ${options.logFile})`,
    );
    return { name: options.name, pid: child.pid ?? 0, url, stop: () => stop(child, exited) };
  } catch (error) {
    await stop(child, exited);
    throw error;
  } finally {
    waiting.abort();
  }
}

/** CPU time and memory of a process, from /proc/<pid>/stat and /proc/<pid>/status. */
export function sampleProcess(pid: number): ProcessSample {
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: (ticks * 1000) / clockTicksPerSecond(),
    rssBytes: statusKilobytes(status, 'VmRSS') * 1024,
    peakRssBytes: statusKilobytes(status, 'VmHWM') * 1024,
  };
}

/**
 * Starts a new peak-memory measurement (VmHWM) of a process, so that each row reports its own
 * peak. Returns false where the kernel refuses; the peak then covers the process's whole life.
 */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    ticksPerSecond = Number(text) > 0 ? Number(text) : 100;
  }
  return ticksPerSecond;
}

function statusKilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`/proc status has no ${field}`);
  return Number(match[1]);
}

async function readyUrl(
  child: ChildProcess,
  ready: { printed: RegExp } | { url: string; probePath: string },
  signal: AbortSignal,
): Promise<string> {
  if ('printed' in ready) return printedUrl(child, ready.printed);
  while (!signal.aborted) {
    try {
      const answer = await request(`${ready.url}${ready.probePath}`, { reset: true });
      await answer.body.dump();
      if (answer.statusCode === 200) return ready.url;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ready.url;
}

async function printedUrl(child: ChildProcess, pattern: RegExp): Promise<string> {
  let seen = '';
  return new Promise((resolve) => {
    child.stdout?.on('data', function onData(chunk: Buffer) {
      seen += chunk.toString('utf8');
      const url = pattern.exec(seen)?.[1];
      if (url === undefined) return;
      child.stdout?.off('data', onData);
      resolve(url);
    });
  });
}

async function exitedEarly(options: { name: string; logFile: string }): Promise<never> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const output = readFileSync(options.logFile, 'utf8').slice(-2000);
  throw new Error(`${options.name} exited before it was ready:\n${output}`);
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function withTimeout<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), START_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
