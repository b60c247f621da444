/**
 * Starts the real service and the TSM simulator on loopback, with a SQLite file in a temp folder
 * and a logger whose every line is kept, so a test can act as a caller and inspect what TSM saw,
 * what was logged and what was audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { request as httpRequest } from 'undici';
import { buildApp } from '../../src/app.js';
import { loadConfig, secretValues, type Config } from '../../src/config.js';
import { createServiceMetrics } from '../../src/metrics/service-metrics.js';
import { createLogger } from '../../src/logger.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { createTsmClient } from '../../src/tsm/http-tsm-client.js';

export const CALLER_KEY = 'portal-key-0123456789abcdef';
export const SIM_API_TOKEN = 'sim-api-token-0123456789';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export interface Harness {
  sim: Simulator;
  app: FastifyInstance;
  store: Store;
  config: Config;
  url: string;
  dbPath: string;
  /** Every log line written so far, raw. */
  logLines: string[];
  /** A request as a caller with the configured key. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Run on another harness's simulator and database (e.g. a restart); it stays theirs to close. */
  reuse?: { sim: Simulator; dbPath: string };
}

/** Starts simulator and service; call close() in afterEach/afterAll. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim =
    options.reuse?.sim ??
    (await startSimulator({ apiTokens: [SIM_API_TOKEN], ...options.simulator }));
  const folder = options.reuse === undefined ? await mkdtemp(join(tmpdir(), 'tvi-test-')) : '';
  const dbPath = options.reuse?.dbPath ?? join(folder, 'service.db');
  const config = loadConfig({
    TSM_URL: sim.url,
    CSP_URL: sim.url,
    TSM_API_TOKEN: SIM_API_TOKEN,
    API_KEYS: `portal=${CALLER_KEY}`,
    DATABASE_URL: dbPath,
    LOG_LEVEL: 'trace',
    TSM_BACKOFF_BASE_MS: '5',
    TSM_BACKOFF_MAX_MS: '20',
    TSM_ATTEMPT_TIMEOUT_MS: '1000',
    INTEGRATION_DEADLINE_MS: '10000',
    // The documentation's Vault is on the internet: only the preflight tests point at a Vault.
    VAULT_PREFLIGHT: 'off',
    ...options.env,
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretValues(config),
    destination,
  });
  const store = await openStore(config.databaseUrl, { logger, postgres: config.postgres });
  const metrics = createServiceMetrics();
  const tsm = createTsmClient({
    tsmUrl: config.tsmUrl,
    cspUrl: config.cspUrl,
    credentials: config.tsmCredentials,
    retry: config.retry,
    logger,
    observer: metrics.tsm,
    tokenCheckIntervalMs: config.tokenCheckIntervalMs,
  });
  const app = await buildApp({ config, store, tsm, logger, metrics });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    sim,
    app,
    store,
    config,
    url,
    dbPath,
    logLines,
    call: (method, path, callOptions = {}) => send(url, method, path, callOptions),
    async close() {
      await app.close();
      await tsm.close();
      await store.close();
      if (options.reuse !== undefined) return;
      await sim.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function send(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${CALLER_KEY}` };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  Object.assign(headers, options.headers);
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  const answer = await httpRequest(`${url}${path}`, {
    method: method as 'GET',
    headers,
    body,
    // A fresh connection each time: harnesses come and go on reused ports, and a pooled socket to
    // one that has gone would fail the next request with ECONNRESET.
    reset: true,
  });
  const text = await answer.body.text();
  return { status: answer.statusCode, headers: answer.headers, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
