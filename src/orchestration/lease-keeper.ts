/**
 * Keeps a run's lease alive while it works: renewed every third of its duration, so two renewals
 * can fail before it lapses. A renewal the store refuses means another runner took the
 * integration over; the run is halted at its next step.
 */
import type { IntegrationRun } from './integration-run.js';

/** Starts renewing the run's lease; call the returned function to stop. */
export function keepLease(run: IntegrationRun): () => void {
  const every = Math.max(10, Math.floor(run.deps.leaseMs / 3));
  const timer = setInterval(() => void renew(run), every);
  timer.unref();
  return () => clearInterval(timer);
}

async function renew(run: IntegrationRun): Promise<void> {
  const { store, owner } = run.deps;
  try {
    const held = await store.renewLease(run.integration.id, owner, run.freshLease().expiresAt);
    if (!held) {
      run.logger.warn({ phase: run.phase }, 'integration lease taken over');
      run.halt('lease-lost');
    }
  } catch (error) {
    // A passing database fault: the lease lasts three renewal periods, and the next may succeed.
    run.logger.error({ err: error }, 'integration lease not renewed');
  }
}
