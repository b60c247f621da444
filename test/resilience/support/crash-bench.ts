/**
 * The crash test's bench: a simulated TSM in this process, the service in a child process on a
 * SQLite file of its own, and the moves of a crash test — send a request, kill the service with
 * SIGKILL the moment a given TSM call arrives, restart it on the same database, and wait for
 * recovery to end what the dead process left.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import {
  startSimulator,
  type ArrivingRequest,
  type Simulator,
} from '../../../src/simulator/index.js';
import { callService, type CallerAnswer } from './caller.js';
import { readDatabase } from './database-view.js';
import { ExpectationBook } from './expectations.js';
import { findViolations } from './invariant.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

const CALLER_KEY = 'crash-test-caller-key-0123456789';
const API_TOKEN = 'crash-test-api-token-0123456789';

/** Short enough that recovery takes a dead process's integrations over within seconds. */
const SERVICE_ENV = {
  LEASE_DURATION_MS: '1000',
  RECOVERY_INTERVAL_MS: '200',
  TSM_BACKOFF_BASE_MS: '5',
  TSM_BACKOFF_MAX_MS: '20',
  SHUTDOWN_GRACE_MS: '1000',
  LOG_LEVEL: 'info',
  // One caller sends the whole load: the per-caller write limit would answer most of it 429.
  RATE_LIMIT_PER_MINUTE: '100000',
};

/** A TSM call to wait for: the one at which the service is killed. */
export interface CallMatch {
  method: 'GET' | 'PUT' | 'DELETE';
  path: string;
}

/** The simulator, a database, and the service process running on it (when it runs). */
export class CrashBench {
  readonly book = new ExpectationBook();
  private service: ServiceProcess | undefined;

  private constructor(
    readonly sim: Simulator,
    private readonly folder: string,
  ) {}

  /** A bench with a fresh simulator and a fresh database; the service is not started yet. */
  static async open(): Promise<CrashBench> {
    const sim = await startSimulator({ apiTokens: [API_TOKEN] });
    return new CrashBench(sim, await mkdtemp(join(tmpdir(), 'tvi-crash-')));
  }

  /** The service's SQLite file. */
  get dbPath(): string {
    return join(this.folder, 'service.db');
  }

  /** Starts the service on the bench's database. */
  async startService(): Promise<void> {
    this.service = await startServiceProcess({
      ...SERVICE_ENV,
      TSM_URL: this.sim.url,
      CSP_URL: this.sim.url,
      TSM_API_TOKEN: API_TOKEN,
      API_KEYS: `portal=${CALLER_KEY}`,
      DATABASE_URL: this.dbPath,
    });
  }

  /**
   * Kills the service with SIGKILL at the first TSM call `arrives` accepts. Listens from now on,
   * so it may be called before the service is (re)started.
   */
  async crashWhen(arrives: (call: ArrivingRequest) => boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const stop = this.sim.onArrival((call) => {
        if (!arrives(call)) return;
        stop();
        resolve();
      });
    });
    await this.running().crash();
  }

  /**
   * Sends the request with the Idempotency-Key and kills the service when `match` arrives at
   * TSM. The id of the one integration it left.
   */
  async crashAt(
    request: IntegrationRequest,
    idempotencyKey: string,
    match: CallMatch,
  ): Promise<string> {
    const crashed = this.crashWhen(
      (call) => call.method === match.method && call.path === match.path,
    );
    const unanswered = this.post(request, idempotencyKey).catch((error: unknown) => error);
    await crashed;
    await unanswered;
    const [row, ...others] = readDatabase(this.dbPath).integrations;
    if (row === undefined || others.length > 0) throw new Error('expected one integration');
    return row.integration.id;
  }

  /** Restarts the service and waits for recovery to end the integration; its final status. */
  async restartAndRecover(integrationId: string): Promise<string> {
    await this.startService();
    return await vi.waitFor(
      async () => {
        const status = await this.statusOf(integrationId);
        if (status === undefined || status === 'in_progress' || status === 'rolling_back') {
          throw new Error(`integration ${integrationId} is ${status ?? 'not found'}`);
        }
        return status;
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  /** Restarts the service and waits until every integration has ended clean. */
  async restartAndRecoverAll(): Promise<void> {
    await this.startService();
    await vi.waitFor(
      () => {
        const unfinished = readDatabase(this.dbPath).integrations.filter(
          ({ integration }) => !['succeeded', 'rolled_back'].includes(integration.status),
        );
        if (unfinished.length > 0) throw new Error(`${unfinished.length} not ended yet`);
      },
      { timeout: 30_000, interval: 100 },
    );
  }

  /** Kills the service with SIGKILL now, as a crash would. */
  async crash(): Promise<void> {
    await this.running().crash();
  }

  /** Stops the service with SIGTERM and waits until it has exited. */
  async stopService(): Promise<void> {
    await this.running().stop();
  }

  /** POST /vault-integrations as the caller, with an Idempotency-Key. */
  post(request: IntegrationRequest, idempotencyKey: string): Promise<CallerAnswer> {
    return callService(this.running().url, 'POST', '/vault-integrations', {
      body: request,
      callerKey: CALLER_KEY,
      idempotencyKey,
    });
  }

  /** Every violation of the invariant in the database and TSM as they are now. */
  violations(): string[] {
    return findViolations(readDatabase(this.dbPath), this.sim, this.book);
  }

  /** The service's output so far, for the message of a failed expectation. */
  output(): string {
    return this.service?.output.join('\n') ?? '';
  }

  /** Kills the service, if it runs, stops the simulator, and removes the database. */
  async close(): Promise<void> {
    await this.service?.crash();
    await this.sim.close();
    await rm(this.folder, { recursive: true, force: true });
  }

  private async statusOf(integrationId: string): Promise<string | undefined> {
    const answer = await callService(
      this.running().url,
      'GET',
      `/vault-integrations/${integrationId}`,
      { callerKey: CALLER_KEY },
    );
    return answer.body.status;
  }

  private running(): ServiceProcess {
    if (this.service === undefined) throw new Error('the service is not started');
    return this.service;
  }
}
