/**
 * Latches for tests that act while a request is held: one the test opens itself, and one that
 * opens when a given call arrives at the simulated TSM.
 */
import type { Simulator } from '../../../src/simulator/index.js';

/** A promise the test settles when it chooses. */
export interface Latch {
  opened: Promise<void>;
  open(): void;
}

/** A closed latch. */
export function latch(): Latch {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Resolves when a `method` call to `path` arrives at the simulator, before any fault acts. */
export function arrivalOf(sim: Simulator, method: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = sim.onArrival((call) => {
      if (call.method !== method || call.path !== path) return;
      stop();
      resolve();
    });
  });
}
