/**
 * The benchmark's command-line flags (node:util's parser), with the short and soak variants.
 */
import { parseArgs } from 'node:util';

/** The benchmark's help text. */
export const BENCH_USAGE = `Usage: npm run bench -- [options]
  --quick                short rows (2 s each) for a look in well under a minute
  --soak                 100 000 integrations on SQLite: memory and query times, start vs end
  --latency-ms <n>       simulator delay per TSM call (20; 0 in --soak)
  --duration <s>         seconds per row (10; 2 with --quick)
  --warmup <s>           seconds of unrecorded load before a target's rows (3; 1 with --quick)
  --concurrency <list>   comma-separated callers per row (1,16,64,256)
  --targets <list>       which of floor,sqlite,postgres to run (all; postgres when reachable)
  --database-url <url>   PostgreSQL server for the postgres target (TEST_DATABASE_URL or
                         postgres://postgres@127.0.0.1:5432/test); a schema of its own per run
  --integrations <n>     integrations a --soak run creates (100000)
  --log-level <level>    the service's LOG_LEVEL (info, as in production)
  --tsx                  run the service from source under tsx (as npm start does) instead of
                         building it first (npm run build) and running dist/ as the container
                         does; tsx adds about 30 MB of memory. The default with --quick
  --cpu-prof             write a CPU profile of each service process to <out>/profiles
  --out <folder>         where the JSON results go (bench-results)
  --help                 show this help`;

/** The three things a run can measure. */
export const TARGETS = ['floor', 'sqlite', 'postgres'] as const;
export type TargetName = (typeof TARGETS)[number];

/** A run's settings. */
export interface BenchOptions {
  help: boolean;
  mode: 'table' | 'soak';
  latencyMs: number;
  durationSeconds: number;
  warmupSeconds: number;
  concurrency: number[];
  targets: TargetName[];
  databaseUrl: string;
  soakIntegrations: number;
  logLevel: string;
  /** Run the service from source under tsx rather than compiled. */
  fromSource: boolean;
  cpuProfile: boolean;
  outFolder: string;
}

/** The settings from command-line arguments; throws with a message naming the flag at fault. */
export function benchOptionsFromArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      soak: { type: 'boolean' },
      'latency-ms': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      targets: { type: 'string' },
      'database-url': { type: 'string' },
      integrations: { type: 'string' },
      'log-level': { type: 'string' },
      tsx: { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const quick = values.quick ?? false;
  const soak = values.soak ?? false;
  return {
    help: values.help ?? false,
    mode: soak ? 'soak' : 'table',
    latencyMs: number(values['latency-ms'], '--latency-ms', soak ? 0 : 20),
    durationSeconds: number(values.duration, '--duration', quick ? 2 : 10),
    warmupSeconds: number(values.warmup, '--warmup', quick ? 1 : 3),
    concurrency: numberList(values.concurrency ?? '1,16,64,256', '--concurrency'),
    targets: targetList(values.targets ?? TARGETS.join(',')),
    databaseUrl:
      values['database-url'] ??
      process.env.TEST_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/test',
    soakIntegrations: number(values.integrations, '--integrations', 100_000),
    logLevel: values['log-level'] ?? 'info',
    fromSource: values.tsx ?? quick,
    cpuProfile: values['cpu-prof'] ?? false,
    outFolder: values.out ?? 'bench-results',
  };
}

function number(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${flag} must be a number of at least 0, not "${text}"`);
  }
  return value;
}

function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => number(part, flag, 0));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${flag} takes whole numbers of at least 1, e.g. 1,16,64,256`);
  }
  return values;
}

function targetList(text: string): TargetName[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(TARGETS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`--targets takes ${TARGETS.join(', ')}; not ${unknown.join(', ')}`);
  }
  return names as TargetName[];
}
