/**
 * npm run bench: the service against the floor TSM sets, side by side in one run. The simulator
 * answers every TSM call after a fixed latency; the floor (a bare script making TSM's four round
 * trips), the service on SQLite and the service on PostgreSQL are loaded in turn at each
 * concurrency with unique integrations. Prints a table and the targets, and writes the JSON.
 * With --soak it creates 100 000 integrations instead and compares the start with the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchOptionsFromArgs,
  BENCH_USAGE,
  type BenchOptions,
  type TargetName,
} from './bench-options.js';
import { IntegrationRequests } from './integration-requests.js';
import { runLoad } from './load.js';
import type { Child } from './processes.js';
import {
  currentLoad,
  describeMachine,
  formatTable,
  formatVerdicts,
  writeResults,
} from './report.js';
import { runSoak } from './soak.js';
import {
  BENCH_CALLER_KEY,
  buildService,
  postgresSchema,
  serviceBuild,
  startFloorChild,
  startServiceChild,
  startSimulatorChild,
} from './stack.js';
import { compareWithFloor, judgeTargets, type BenchRow } from './targets.js';

/** Lets the last row's stragglers finish before the next row is measured. */
const SETTLE_MS = 500;
const WARMUP_CONCURRENCY = 16;

/** What one target needs started, and what stops it again. */
interface TargetRun {
  name: TargetName;
  child: Child;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const options = benchOptionsFromArgs(process.argv.slice(2));
  if (options.help) {
    console.log(BENCH_USAGE);
    return;
  }

  if (!options.fromSource) buildService();
  const folder = await mkdtemp(join(tmpdir(), 'tvi-bench-'));
  const simulator = await startSimulatorChild(folder, options.latencyMs);
  try {
    const run =
      options.mode === 'soak'
        ? await runSoak({ options, folder, simulatorUrl: simulator.url })
        : await runTable(options, folder, simulator.url);
    const file = await writeResults(options.outFolder, run);
    console.log(`\nResults written to ${file}`);
  } finally {
    await simulator.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

async function runTable(options: BenchOptions, folder: string, simulatorUrl: string) {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  console.log(
    `Simulator latency ${options.latencyMs} ms per TSM call; ${options.durationSeconds} s per row; ` +
      `service ${options.fromSource ? 'from source (tsx)' : 'compiled (dist/)'}; ` +
      `${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`,
  );
  const requests = new IntegrationRequests();
  const rows: BenchRow[] = [];
  const skipped: string[] = [];
  for (const name of options.targets) {
    const target = await startTarget(name, options, folder, simulatorUrl);
    if (target === undefined) {
      skipped.push(`${name}: no PostgreSQL answers at ${options.databaseUrl}`);
      console.log(`(${skipped.at(-1)}; skipped)`);
      continue;
    }
    try {
      rows.push(...(await measureTarget(target, options, requests)));
    } finally {
      await target.close();
    }
  }

  const compared = compareWithFloor(rows);
  const verdicts = judgeTargets(compared);
  const loadAtEnd = currentLoad();
  console.log(`\n${formatTable(compared)}\n\nTargets:\n${formatVerdicts(verdicts)}`);
  console.log(`\nLoad average at the end: ${loadAtEnd}`);
  return {
    kind: 'table',
    startedAt,
    machine,
    loadAverageAtEnd: Number(loadAtEnd),
    settings: options,
    rows: compared,
    targets: verdicts,
    skipped,
  };
}

async function measureTarget(
  target: TargetRun,
  options: BenchOptions,
  requests: IntegrationRequests,
): Promise<BenchRow[]> {
  const load = {
    url: target.child.url,
    pid: target.child.pid,
    requests,
    headers: callerHeaders(target.name),
  };
  // One integration first, whatever --warmup says: the first one also pays for the CSP token
  // exchange, lazy imports and (under tsx) compiling, which can outlast a short row on a busy
  // machine and leave it empty. None of that is what a row measures.
  await runLoad({ ...load, concurrency: 1, amount: 1 });
  // A first, unrecorded load: the JIT, the pools and the database caches warm up.
  if (options.warmupSeconds > 0) {
    await runLoad({
      ...load,
      concurrency: WARMUP_CONCURRENCY,
      durationSeconds: options.warmupSeconds,
    });
  }
  const rows: BenchRow[] = [];
  for (const concurrency of options.concurrency) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const result = await runLoad({
      ...load,
      concurrency,
      durationSeconds: options.durationSeconds,
    });
    rows.push({ target: target.name, ...result });
    console.log(
      `${target.name.padEnd(8)} c=${String(concurrency).padEnd(4)} ` +
        `${result.integrationsPerSecond.toFixed(1)} integrations/s, p50 ${result.latencyMs.p50} ms`,
    );
  }
  return rows;
}

function callerHeaders(name: TargetName): Record<string, string> {
  return name === 'floor' ? {} : { authorization: `Bearer ${BENCH_CALLER_KEY}` };
}

async function startTarget(
  name: TargetName,
  options: BenchOptions,
  folder: string,
  simulatorUrl: string,
): Promise<TargetRun | undefined> {
  if (name === 'floor') {
    const child = await startFloorChild(folder, simulatorUrl);
    return { name, child, close: () => child.stop() };
  }
  const service = {
    name,
    folder,
    simulatorUrl,
    logLevel: options.logLevel,
    build: serviceBuild(options),
  };
  if (name === 'sqlite') {
    const child = await startServiceChild({ ...service, databaseUrl: join(folder, 'bench.db') });
    return { name, child, close: () => child.stop() };
  }
  const schema = await postgresSchema(options.databaseUrl);
  if (schema === undefined) return undefined;
  const child = await startServiceChild({ ...service, databaseUrl: schema.url }).catch(
    async (error: unknown) => {
      await schema.drop();
      throw error;
    },
  );
  return { name, child, close: () => child.stop().then(schema.drop) };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
