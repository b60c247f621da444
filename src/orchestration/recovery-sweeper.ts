/**
 * The recovery sweep, at start-up and then periodically: it purges expired idempotency keys and
 * takes over, a batch at a time, every integration that needs recovery (see recovery.ts). Sweeps
 * never overlap, and stop() waits for the one under way.
 */
import { randomUUID } from 'node:crypto';
import type { IntegrationRunnerDeps, RunLogger } from './integration-run.js';
import { recoverIntegration, type RecoveryOptions } from './recovery.js';

/** How many integrations one take-over claims; they are recovered side by side. */
const BATCH_SIZE = 5;

export interface SweeperOptions extends RecoveryOptions {
  /** Pause between two sweeps. */
  intervalMs: number;
}

/** Runs recovery sweeps until stopped. */
export class RecoverySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: IntegrationRunnerDeps,
    private readonly options: SweeperOptions,
  ) {}

  /** Sweeps now, then every intervalMs. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops sweeping; resolves once a sweep under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One sweep: purge keys, then recover until nothing is left to take. How many it recovered. */
  async sweepOnce(): Promise<number> {
    const observer = this.deps.observer;
    // Each sweep's lines share an id, as a request's do.
    const logger = this.deps.logger.child({ reqId: `sweep-${randomUUID()}` });
    try {
      const { recovered, purged } = await this.sweep(logger);
      observer?.recoverySwept({ recovered, purged });
      return recovered;
    } catch (error) {
      observer?.recoverySwept({ failed: true });
      logger.error({ err: error }, 'recovery sweep failed');
      throw error;
    }
  }

  private async sweep(logger: RunLogger): Promise<{ recovered: number; purged: number }> {
    const { store, now } = this.deps;
    const purged = await store.purgeExpiredIdempotencyKeys(now().toISOString());
    if (purged > 0) logger.info({ purged }, 'idempotency keys purged');

    let recovered = 0;
    for (;;) {
      const lease = { owner: this.deps.owner, expiresAt: this.leaseEnd() };
      const batch = await store.takeOverForRecovery(lease, now().toISOString(), BATCH_SIZE);
      await Promise.all(
        batch.map((candidate) => recoverIntegration(this.deps, candidate, this.options)),
      );
      recovered += batch.length;
      if (batch.length < BATCH_SIZE || this.stopped) break;
    }
    if (recovered > 0) logger.info({ recovered }, 'recovery sweep done');
    return { recovered, purged };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        // Logged by the sweep itself; the next one is scheduled regardless.
        .catch(() => undefined)
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private leaseEnd(): string {
    return new Date(this.deps.now().getTime() + this.deps.leaseMs).toISOString();
  }
}
