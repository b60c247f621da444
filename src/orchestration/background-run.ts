/**
 * A run the caller does not wait for (Prefer: respond-async): the caller is answered as soon as
 * the integration is stored, and the run goes on; what it ends in is handed to `whenEnded` (the
 * callback). A run that never started is answered as a waited-for run would be.
 */
import type { Integration } from './integration.js';
import type { RunLogger, RunOutcome } from './run-integration.js';

/** accepted: stored and running on. ran: it did not start, or ended before it was stored. */
export type BackgroundStart =
  { kind: 'accepted'; integration: Integration } | { kind: 'ran'; outcome: RunOutcome };

/** Starts `run` and settles once the integration is stored; the run goes on after that. */
export function runInBackground(
  run: (onStarted: (integration: Integration) => void) => Promise<RunOutcome>,
  whenEnded: (outcome: RunOutcome) => Promise<void>,
  logger: RunLogger,
): Promise<BackgroundStart> {
  return new Promise((resolve, reject) => {
    let accepted = false;
    const running = run((integration) => {
      accepted = true;
      resolve({ kind: 'accepted', integration });
    });
    running.then(
      async (outcome) => {
        if (!accepted) return resolve({ kind: 'ran', outcome });
        try {
          await whenEnded(outcome);
        } catch (error) {
          // The callback's audit record could not be stored (the store is closing, say).
          logger.error({ err: error }, 'integration end not reported');
        }
      },
      (error: unknown) => {
        if (!accepted) return reject(error instanceof Error ? error : new Error(String(error)));
        // Nobody waits for it any more: the store failed under it, and recovery takes it over.
        logger.error({ err: error }, 'background integration failed');
      },
    );
  });
}
