/**
 * The service and the simulated TSM in this process: the real app on loopback with a SQLite file,
 * and a clock the test can move forward, so that integrations whose rollback failed come due for
 * recovery without the test waiting for their backoff.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import { loadConfig, secretValues } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { openStore } from '../../../src/storage/open-store.js';
import { createTsmClient } from '../../../src/tsm/http-tsm-client.js';

const API_TOKEN = 'in-process-api-token-0123456789';

/** The caller key the service knows, as the actor "portal". */
export const SERVICE_CALLER_KEY = 'in-process-caller-key-0123456789';

/** A running service with its simulator, database and clock. */
export interface InProcessService {
  sim: Simulator;
  app: FastifyInstance;
  url: string;
  dbPath: string;
  /** Log lines at the configured level, for the message of a failing test. */
  logLines: string[];
  /**
   * Moves the service's clock forward: leases, recovery times and deadlines. The simulator and
   * the TSM client keep the real clock, so a call's deadline moves away by as much.
   */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

/** Starts the simulator and the service with the given environment over the defaults. */
export async function startInProcessService(
  env: Record<string, string>,
): Promise<InProcessService> {
  const sim = await startSimulator({ apiTokens: [API_TOKEN] });
  const folder = await mkdtemp(join(tmpdir(), 'tvi-in-process-'));
  const dbPath = join(folder, 'service.db');
  const config = loadConfig({
    TSM_URL: sim.url,
    CSP_URL: sim.url,
    TSM_API_TOKEN: API_TOKEN,
    API_KEYS: `portal=${SERVICE_CALLER_KEY}`,
    // One caller sends the whole load: the per-caller write limit would answer most of it 429.
    RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_URL: dbPath,
    // Requests name the documentation's Vault, on the internet: it is not to be contacted.
    VAULT_PREFLIGHT: 'off',
    ...env,
  });
  const logLines: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretValues(config),
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  let offsetMs = 0;
  const store = await openStore(config.databaseUrl, { logger });
  const tsm = createTsmClient({
    tsmUrl: config.tsmUrl,
    cspUrl: config.cspUrl,
    credentials: config.tsmCredentials,
    retry: config.retry,
    logger,
  });
  const now = () => new Date(Date.now() + offsetMs);
  const app = await buildApp({ config, store, tsm, logger, now });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    sim,
    app,
    url,
    dbPath,
    logLines,
    advanceClock: (ms) => (offsetMs += ms),
    async close() {
      await app.close();
      await tsm.close();
      await store.close();
      await sim.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
