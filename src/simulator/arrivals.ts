/**
 * Announces each request as it arrives, before any fault or latency holds it, so that a test can
 * act at that moment: kill the caller while its write is held, or send a second request while the
 * first is still waiting for TSM.
 */
import type { ArrivingRequest } from './types.js';

type ArrivalListener = (request: ArrivingRequest) => void;

/** The listeners waiting for requests to arrive. */
export class Arrivals {
  private readonly listeners = new Set<ArrivalListener>();

  /** Adds a listener; the returned function removes it. */
  listen(listener: ArrivalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener, in the order they were added, that `request` has arrived. */
  announce(request: ArrivingRequest): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...request });
      } catch (error) {
        // A listener's mistake must not change what the simulated TSM answers; it surfaces as an
        // uncaught error in the test that owns the listener instead.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
