/**
 * One row's load: autocannon keeps a number of callers busy posting unique integrations for a
 * while, and the row keeps what a caller saw (integrations per second, latency percentiles) and
 * what the process behind the URL spent (CPU time, peak memory).
 */
import autocannon from 'autocannon';
import type { IntegrationRequests } from './integration-requests.js';
import { resetPeakMemory, sampleProcess } from './processes.js';

/** What one target did at one concurrency. */
export interface LoadResult {
  concurrency: number;
  /** Integrations answered 201, per second of the run. */
  integrationsPerSecond: number;
  succeeded: number;
  /** Answers other than 2xx, and connection errors or timeouts. */
  failed: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU time of the measured process per integration that succeeded. */
  cpuMsPerIntegration: number;
  /** The measured process's highest resident memory during the row. */
  peakMemoryMb: number;
}

/** How a row is run. */
export interface LoadOptions {
  url: string;
  /** The process that serves `url`, whose CPU and memory the row reports. */
  pid: number;
  concurrency: number;
  /** How long the row lasts; or, with `amount`, how many integrations it sends. */
  durationSeconds?: number;
  amount?: number;
  requests: IntegrationRequests;
  headers?: Record<string, string>;
}

const MB = 1024 * 1024;

/** Runs one row and measures it. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  resetPeakMemory(options.pid);
  const before = sampleProcess(options.pid);
  const result = await autocannon({
    url: `${options.url}/vault-integrations`,
    method: 'POST',
    connections: options.concurrency,
    // autocannon refuses a duration key without a value.
    ...(options.amount === undefined
      ? { duration: options.durationSeconds }
      : { amount: options.amount }),
    // An integration at concurrency 256 on a busy machine may take seconds; only a hang is an error.
    timeout: 60,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: options.requests.next() }),
      },
    ],
  });
  const after = sampleProcess(options.pid);

  const succeeded = result['2xx'];
  return {
    concurrency: options.concurrency,
    // result.duration is rounded to whole seconds; the start and finish stamps are not.
    integrationsPerSecond: succeeded / ((result.finish.getTime() - result.start.getTime()) / 1000),
    succeeded,
    failed: result.non2xx + result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    cpuMsPerIntegration: succeeded === 0 ? 0 : (after.cpuMs - before.cpuMs) / succeeded,
    peakMemoryMb: after.peakRssBytes / MB,
  };
}
