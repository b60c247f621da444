/**
 * What a run shows: a table on the terminal, the targets met or missed, and a JSON file with the
 * same figures and the machine they were measured on.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { times, type BenchRow, type TargetVerdict } from './targets.js';

/** The machine a run was measured on. */
export interface Machine {
  cores: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
  /** The 1-minute load average when the run started: other work sharing the cores skews rows. */
  loadAverage: number;
}

/** This machine. */
export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg()[0] ?? 0,
  };
}

const COLUMNS = [
  'target',
  'c',
  'integ/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'p50/floor',
  'p99/floor',
  'tput/floor',
  'CPU ms/integ',
  'peak MB',
  'failed',
];

/** The 1-minute load average now, as the terminal output shows it. */
export function currentLoad(): string {
  return (loadavg()[0] ?? 0).toFixed(2);
}

/** The rows as an aligned text table. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((row) => [
    row.target,
    String(row.concurrency),
    row.integrationsPerSecond.toFixed(1),
    row.latencyMs.p50.toFixed(0),
    row.latencyMs.p99.toFixed(0),
    row.latencyMs.max.toFixed(0),
    row.versusFloor === undefined ? '' : times(row.versusFloor.p50),
    row.versusFloor === undefined ? '' : times(row.versusFloor.p99),
    row.versusFloor === undefined ? '' : times(row.versusFloor.throughput),
    row.cpuMsPerIntegration.toFixed(2),
    row.peakMemoryMb.toFixed(0),
    String(row.failed),
  ]);
  const widths = COLUMNS.map((title, index) =>
    Math.max(title.length, ...cells.map((line) => line[index]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values.map((value, index) => value.padStart(widths[index] ?? 0)).join('  ');
  return [line(COLUMNS), ...cells.map(line)].join('\n');
}

/** The targets, one a line, each marked met or missed. */
export function formatVerdicts(verdicts: TargetVerdict[]): string {
  return verdicts
    .map(
      ({ target, rule, measured, met }) =>
        `${met ? 'met   ' : 'MISSED'}  ${target.padEnd(8)} ${rule.padEnd(34)} ${measured}`,
    )
    .join('\n');
}

/** Writes the run as <folder>/<timestamp>.json and returns the file's path. */
export async function writeResults(folder: string, run: object): Promise<string> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
