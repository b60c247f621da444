/**
 * The runs this process is working on, so that shutdown can let them finish and, past its
 * bound, halt the rest and hand them to recovery instead of leaving them to die with the process.
 */
import type { IntegrationRun } from './integration-run.js';

/** Tracks running integrations; one per process. */
export class RunRegistry {
  private readonly runs = new Set<IntegrationRun>();
  private readonly idleWaiters = new Set<() => void>();

  /** How many runs are in flight. */
  get size(): number {
    return this.runs.size;
  }

  /** Adds a run; call the returned function when it ends. */
  track(run: IntegrationRun): () => void {
    this.runs.add(run);
    return () => {
      this.runs.delete(run);
      if (this.runs.size === 0) for (const wake of this.idleWaiters) wake();
    };
  }

  /**
   * Waits up to `boundMs` for every run to end, then halts those still running (each stops at
   * its next step and gives its lease up) and waits for them to do so. True when all ended alone.
   */
  async drain(boundMs: number): Promise<boolean> {
    if (await this.idleWithin(boundMs)) return true;
    for (const run of this.runs) run.halt('shutdown');
    await this.idleWithin(Number.POSITIVE_INFINITY);
    return false;
  }

  private idleWithin(boundMs: number): Promise<boolean> {
    if (this.runs.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve(true);
      };
      const timer = Number.isFinite(boundMs)
        ? setTimeout(() => {
            this.idleWaiters.delete(wake);
            resolve(false);
          }, boundMs)
        : undefined;
      this.idleWaiters.add(wake);
    });
  }
}
