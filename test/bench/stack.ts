/**
 * Starts what a benchmark measures as child processes: the TSM simulator with its latency, the
 * floor, and the service on a SQLite file or in a PostgreSQL schema of its own.
 */
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { urlInSchema } from '../storage/support/postgres-schemas.js';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from '../deploy/processes.js';
import { PROJECT_ROOT, startChild, type Child } from './processes.js';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The API token the simulator accepts, and the caller key the service is given. */
export const BENCH_API_TOKEN = 'bench-api-token-0123456789';
export const BENCH_CALLER_KEY = 'bench-caller-key-0123456789';

/** Starts the simulator, adding `latencyMs` to every TSM call. */
export async function startSimulatorChild(folder: string, latencyMs: number): Promise<Child> {
  return startChild({
    name: 'simulator',
    script: 'src/simulator/main.ts',
    // The journal is for tests that inspect requests; a small one keeps the simulator's memory
    // from growing with the run.
    args: [
      '--latency-ms',
      String(latencyMs),
      '--api-token',
      BENCH_API_TOKEN,
      '--journal-limit',
      '100',
    ],
    logFile: join(folder, 'simulator.log'),
    ready: { printed: /listening at (http:\/\/\S+)/ },
  });
}

/** Starts the floor against the simulator. */
export async function startFloorChild(folder: string, simulatorUrl: string): Promise<Child> {
  return startChild({
    name: 'floor',
    script: 'test/bench/floor-server.ts',
    env: { TSM_URL: simulatorUrl, TSM_API_TOKEN: BENCH_API_TOKEN },
    logFile: join(folder, 'floor.log'),
    ready: { printed: /listening (http:\/\/\S+)/ },
  });
}

/** How a benchmark runs the service: compiled or from source, profiled or not. */
export interface ServiceBuild {
  fromSource: boolean;
  /** A folder for CPU profiles, when the service is to be profiled. */
  profileFolder?: string;
}

/** The build the options ask for; the profiles go beside the results. */
export function serviceBuild(options: {
  fromSource: boolean;
  cpuProfile: boolean;
  outFolder: string;
}): ServiceBuild {
  const profileFolder = options.cpuProfile ? resolve(options.outFolder, 'profiles') : undefined;
  return { fromSource: options.fromSource, profileFolder };
}

/** Compiles the service into dist/ as the container image does (npm run build). */
export function buildService(): void {
  execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
}

/** Starts the service on the database DATABASE_URL names. */
export async function startServiceChild(options: {
  name: string;
  folder: string;
  simulatorUrl: string;
  databaseUrl: string;
  logLevel: string;
  build: ServiceBuild;
}): Promise<Child> {
  const port = await freePort();
  const { fromSource, profileFolder } = options.build;
  return startChild({
    name: options.name,
    script: fromSource ? 'src/server.ts' : 'dist/server.js',
    nodeArgs: profileFolder === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileFolder}`],
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      TSM_URL: options.simulatorUrl,
      CSP_URL: options.simulatorUrl,
      TSM_API_TOKEN: BENCH_API_TOKEN,
      API_KEYS: `bench=${BENCH_CALLER_KEY}`,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: options.logLevel,
      // The load comes from one caller, so it gets the highest per-caller limit the service accepts; and the requests
      // name a Vault that does not exist, which the floor does not contact either.
      RATE_LIMIT_PER_MINUTE: '100000',
      VAULT_PREFLIGHT: 'off',
    },
    logFile: join(options.folder, `${options.name}.log`),
    ready: { url: `http://127.0.0.1:${port}`, probePath: '/readyz' },
  });
}

/** A schema of its own on the PostgreSQL server of `serverUrl`, or undefined if none answers. */
export async function postgresSchema(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (!(await reachable(serverUrl))) return undefined;
  const name = `tvi_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create schema ${name}`);
  return {
    url: urlInSchema(serverUrl, name),
    drop: () => adminQuery(serverUrl, `drop schema if exists ${name} cascade`),
  };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function reachable(serverUrl: string): Promise<boolean> {
  const url = new URL(serverUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port || 5432) });
  const timer = setTimeout(() => socket.destroy(new Error('timeout')), 2_000);
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
