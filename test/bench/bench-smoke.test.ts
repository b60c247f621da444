/**
 * The benchmark must not rot: a tiny run of `npm run bench` (one-second rows, two callers at most,
 * the floor and the service on SQLite) prints its table and writes its JSON with sane figures.
 * Nothing here judges speed; the targets are the benchmark's business, on a quiet machine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './processes.js';
import type { BenchRow, TargetVerdict } from './targets.js';

const LATENCY_MS = 5;
// The reads go out together, then three writes one after another: four simulator delays at least.
const ROUND_TRIPS = 4;

interface SmokeRun {
  stdout: string;
  results: {
    machine: { cores: number; node: string };
    rows: BenchRow[];
    targets: TargetVerdict[];
  };
}

describe('npm run bench, in a tiny run', () => {
  let folder: string;
  let run: SmokeRun;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tvi-bench-smoke-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/bench/bench.ts',
        '--quick',
        '--duration=1',
        '--warmup=0',
        `--latency-ms=${LATENCY_MS}`,
        '--concurrency=1,2',
        '--targets=floor,sqlite',
        `--out=${folder}`,
      ],
      { cwd: PROJECT_ROOT, timeout: 60_000 },
    );
    const [file] = await readdir(folder);
    const results = JSON.parse(
      await readFile(join(folder, file ?? ''), 'utf8'),
    ) as SmokeRun['results'];
    run = { stdout, results };
  }, 90_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('prints a table with a row per target and concurrency, and the targets', () => {
    expect(run.stdout).toMatch(/target\s+c\s+integ\/s\s+p50 ms\s+p99 ms\s+max ms/);
    for (const target of ['floor', 'sqlite']) {
      for (const concurrency of [1, 2]) {
        expect(run.stdout).toMatch(new RegExp(`^\\s*${target}\\s+${concurrency}\\s+\\d`, 'm'));
      }
    }
    expect(run.stdout).toMatch(/^(met|MISSED)\s+sqlite\s+c=1 p50 <= 1\.10x floor/m);
  });

  it('records integrations that all succeeded, each after the four round trips to TSM', () => {
    expect(run.results.rows.map((row) => `${row.target} ${row.concurrency}`)).toEqual([
      'floor 1',
      'floor 2',
      'sqlite 1',
      'sqlite 2',
    ]);
    for (const row of run.results.rows) {
      expect(row.succeeded).toBeGreaterThan(0);
      expect(row.failed).toBe(0);
      expect(row.integrationsPerSecond).toBeGreaterThan(0);
      expect(row.latencyMs.p50).toBeGreaterThanOrEqual(ROUND_TRIPS * LATENCY_MS);
      expect(row.latencyMs.p99).toBeGreaterThanOrEqual(row.latencyMs.p50);
      expect(row.latencyMs.max).toBeGreaterThanOrEqual(row.latencyMs.p99);
    }
  });

  it('measures the process behind each row, and compares the service with the floor', () => {
    for (const row of run.results.rows) {
      // CPU time is counted in 10 ms ticks: a short floor row may round to none, the service not.
      expect(row.cpuMsPerIntegration).toBeGreaterThanOrEqual(0);
      if (row.target === 'sqlite') expect(row.cpuMsPerIntegration).toBeGreaterThan(0);
      // A Node process holds tens of megabytes; gigabytes would be a unit mistake.
      expect(row.peakMemoryMb).toBeGreaterThan(20);
      expect(row.peakMemoryMb).toBeLessThan(2048);
    }
    const service = run.results.rows.find(
      (row) => row.target === 'sqlite' && row.concurrency === 1,
    );
    const floor = run.results.rows.find((row) => row.target === 'floor' && row.concurrency === 1);
    expect(service?.versusFloor?.p50).toBeCloseTo(
      (service?.latencyMs.p50 ?? 0) / (floor?.latencyMs.p50 ?? 1),
      6,
    );
    expect(run.results.machine).toMatchObject({ node: process.version });
    expect(run.results.machine.cores).toBeGreaterThanOrEqual(1);
    expect(run.results.targets.map((verdict) => verdict.rule)).toContain(
      'c=1 CPU < 2 ms per integration',
    );
  });
});
