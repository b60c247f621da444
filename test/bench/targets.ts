/**
 * The targets, judged on one run's rows: each service row against the floor's row of the
 * same concurrency, measured side by side on the same machine and simulator.
 */
import type { LoadResult } from './load.js';

/** One measured row: which target served it, what it did, and how it compares to the floor. */
export interface BenchRow extends LoadResult {
  target: string;
  /** Service over floor at the same concurrency; absent for the floor's own rows. */
  versusFloor?: { p50: number; p99: number; throughput: number };
}

/** A target and whether the run met it. */
export interface TargetVerdict {
  target: string;
  rule: string;
  measured: string;
  met: boolean;
}

/** Adds the ratios to the floor to every service row that has a floor row to compare with. */
export function compareWithFloor(rows: BenchRow[]): BenchRow[] {
  return rows.map((row) => {
    const floor = rows.find(
      (other) => other.target === 'floor' && other.concurrency === row.concurrency,
    );
    if (row.target === 'floor' || floor === undefined) return row;
    if (row.succeeded === 0 || floor.succeeded === 0) return row;
    return {
      ...row,
      versusFloor: {
        p50: ratio(row.latencyMs.p50, floor.latencyMs.p50),
        p99: ratio(row.latencyMs.p99, floor.latencyMs.p99),
        throughput: ratio(row.integrationsPerSecond, floor.integrationsPerSecond),
      },
    };
  });
}

/** Judges every target the rows allow judging; a target whose row was not run is left out. */
export function judgeTargets(rows: BenchRow[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const row of rows) {
    if (row.target === 'floor') continue;
    if (row.succeeded === 0) {
      verdicts.push(
        verdict(row, `c=${row.concurrency} integrations finish in the row`, '0', false),
      );
      continue;
    }
    const versus = row.versusFloor;
    if (row.concurrency === 1 && versus !== undefined) {
      verdicts.push(
        verdict(row, 'c=1 p50 <= 1.10x floor', `${times(versus.p50)}`, versus.p50 <= 1.1),
      );
    }
    if (row.concurrency === 64 && versus !== undefined) {
      verdicts.push(
        verdict(
          row,
          'c=64 throughput >= 0.80x floor',
          times(versus.throughput),
          versus.throughput >= 0.8,
        ),
        verdict(row, 'c=64 p99 <= 1.50x floor', times(versus.p99), versus.p99 <= 1.5),
      );
    }
    verdicts.push(
      verdict(
        row,
        `c=${row.concurrency} CPU < 2 ms per integration`,
        `${row.cpuMsPerIntegration.toFixed(2)} ms`,
        row.succeeded > 0 && row.cpuMsPerIntegration < 2,
      ),
    );
    if (row.concurrency === 256) {
      verdicts.push(
        verdict(
          row,
          'c=256 peak memory < 150 MB',
          `${row.peakMemoryMb.toFixed(0)} MB`,
          row.peakMemoryMb < 150,
        ),
      );
    }
  }
  return verdicts;
}

function verdict(row: BenchRow, rule: string, measured: string, met: boolean): TargetVerdict {
  return { target: row.target, rule, measured, met };
}

function ratio(service: number, floor: number): number {
  return floor === 0 ? Number.POSITIVE_INFINITY : service / floor;
}

/** A ratio as the table prints it, e.g. "1.04x". */
export function times(value: number): string {
  return `${value.toFixed(2)}x`;
}
