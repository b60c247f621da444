/**
 * npm run bench -- --soak: creates many integrations (100 000 by default) on one service process
 * and shows that it does not get heavier or slower as its tables grow. The service's resident
 * memory is sampled after every tenth of the run, and the list and audit queries (filters and
 * cursors included) are timed just after the first tenth and again at the end.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { BenchOptions } from './bench-options.js';
import { IntegrationRequests } from './integration-requests.js';
import { runLoad } from './load.js';
import { sampleProcess } from './processes.js';
import { describeMachine } from './report.js';
import { BENCH_CALLER_KEY, postgresSchema, serviceBuild, startServiceChild } from './stack.js';

const SOAK_CONCURRENCY = 16;
const CHUNKS = 10;
const QUERY_REPEATS = 200;
const MB = 1024 * 1024;
const MAX_QUERY_P99_MS = 20;
const MAX_GROWTH_MB = 30;

/** One query's latency at one moment of the soak. */
interface QueryTiming {
  query: string;
  p50Ms: number;
  p99Ms: number;
}

/** Runs the soak on SQLite (or PostgreSQL when it is the only service target asked for). */
export async function runSoak(context: {
  options: BenchOptions;
  folder: string;
  simulatorUrl: string;
}) {
  const { options, folder, simulatorUrl } = context;
  const onPostgres = options.targets.length === 1 && options.targets[0] === 'postgres';
  const schema = onPostgres ? await postgresSchema(options.databaseUrl) : undefined;
  if (onPostgres && schema === undefined)
    throw new Error(`no PostgreSQL at ${options.databaseUrl}`);
  const child = await startServiceChild({
    name: onPostgres ? 'postgres' : 'sqlite',
    folder,
    simulatorUrl,
    databaseUrl: schema?.url ?? `${folder}/soak.db`,
    logLevel: options.logLevel,
    build: serviceBuild(options),
  });
  const client = new Pool(child.url);
  try {
    return await soak(options, child, client);
  } finally {
    await client.close();
    await child.stop();
    await schema?.drop();
  }
}

async function soak(
  options: BenchOptions,
  child: { pid: number; url: string; name: string },
  client: Pool,
) {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const requests = new IntegrationRequests();
  const perChunk = Math.ceil(options.soakIntegrations / CHUNKS);
  const memory: { integrations: number; rssMb: number }[] = [];
  let start: QueryTiming[] = [];
  const load = { url: child.url, pid: child.pid, requests, concurrency: SOAK_CONCURRENCY };
  const headers = { authorization: `Bearer ${BENCH_CALLER_KEY}` };
  let created = 0;
  console.log(
    `Soak: ${options.soakIntegrations} integrations on ${child.name}, ${SOAK_CONCURRENCY} callers; ` +
      `${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`,
  );

  for (let chunk = 0; chunk < CHUNKS; chunk += 1) {
    const result = await runLoad({ ...load, headers, amount: perChunk });
    created += result.succeeded;
    memory.push({ integrations: created, rssMb: sampleProcess(child.pid).rssBytes / MB });
    console.log(
      `${created} created (${result.failed} failed), ${result.integrationsPerSecond.toFixed(0)}/s, ` +
        `RSS ${memory.at(-1)?.rssMb.toFixed(0)} MB`,
    );
    if (chunk === 0) start = await timeQueries(client, headers);
  }
  const end = await timeQueries(client, headers);

  const growthMb = (memory.at(-1)?.rssMb ?? 0) - (memory[0]?.rssMb ?? 0);
  const worstEndP99 = Math.max(...end.map((timing) => timing.p99Ms));
  const targets = [
    {
      rule: `memory growth < ${MAX_GROWTH_MB} MB`,
      measured: `${growthMb.toFixed(1)} MB`,
      met: growthMb < MAX_GROWTH_MB,
    },
    {
      rule: `queries p99 < ${MAX_QUERY_P99_MS} ms at the end`,
      measured: `${worstEndP99.toFixed(1)} ms`,
      met: worstEndP99 < MAX_QUERY_P99_MS,
    },
  ];
  printSoak(start, end, targets);
  return {
    kind: 'soak',
    startedAt,
    machine,
    loadAverageAtEnd: describeMachine().loadAverage,
    settings: options,
    created,
    memory,
    queries: { start, end },
    targets,
  };
}

/** Times each list and audit query, sequentially, as one caller browsing would. */
async function timeQueries(client: Pool, headers: Record<string, string>): Promise<QueryTiming[]> {
  const get = async (path: string) => {
    const answer = await client.request({ method: 'GET', path, headers });
    const body = (await answer.body.json()) as Record<string, unknown>;
    if (answer.statusCode !== 200) throw new Error(`${path} answered ${answer.statusCode}`);
    return body;
  };
  const firstPage = await get('/vault-integrations?limit=50');
  const integrations = firstPage.integrations as { id: string }[];
  const someId = integrations[integrations.length - 1]?.id ?? '';
  const auditPage = await get('/audit-records?action=tsm.call&limit=50');
  const since = new Date(Date.now() - 60 * 60 * 1000).toISOString();
  const paths = [
    '/vault-integrations?limit=50',
    `/vault-integrations?limit=50&cursor=${cursorOf(firstPage)}`,
    '/vault-integrations?status=succeeded&limit=50',
    '/audit-records?limit=50',
    `/audit-records?integrationId=${someId}`,
    `/audit-records?action=tsm.call&limit=50&cursor=${cursorOf(auditPage)}`,
    `/audit-records?actor=bench&since=${since}&limit=50`,
  ];

  const timings: QueryTiming[] = [];
  for (const path of paths) {
    const samples: number[] = [];
    for (let repeat = 0; repeat < QUERY_REPEATS; repeat += 1) {
      const started = performance.now();
      await get(path);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    timings.push({
      query: path.replace(/cursor=[^&]+/, 'cursor=…'),
      p50Ms: quantile(samples, 0.5),
      p99Ms: quantile(samples, 0.99),
    });
  }
  return timings;
}

function cursorOf(page: Record<string, unknown>): string {
  const cursor = page.nextCursor;
  if (typeof cursor !== 'string') throw new Error('a full page came without a nextCursor');
  return encodeURIComponent(cursor);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function printSoak(
  start: QueryTiming[],
  end: QueryTiming[],
  targets: { rule: string; measured: string; met: boolean }[],
): void {
  const width = Math.max(...start.map((timing) => timing.query.length));
  console.log(`\n${'query'.padEnd(width)}  start p50/p99 ms  end p50/p99 ms`);
  for (const [index, timing] of start.entries()) {
    const last = end[index];
    console.log(
      `${timing.query.padEnd(width)}  ${pair(timing).padStart(15)}  ${last ? pair(last).padStart(14) : ''}`,
    );
  }
  console.log('\nTargets:');
  for (const { rule, measured, met } of targets) {
    console.log(`${met ? 'met   ' : 'MISSED'}  ${rule.padEnd(34)} ${measured}`);
  }
}

function pair(timing: QueryTiming): string {
  return `${timing.p50Ms.toFixed(1)} / ${timing.p99Ms.toFixed(1)}`;
}
