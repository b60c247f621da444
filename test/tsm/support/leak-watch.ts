/**
 * Watches for what a call could leave behind: a timer that still holds the process open, or a
 * promise rejected with nobody to handle it.
 */
import { createHook } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

interface TimerResource {
  hasRef(): boolean;
}

/** Counts the timers created from now on that are still pending and hold the process open. */
export function watchTimers(): { pending(): Promise<number> } {
  const live = new Map<number, TimerResource>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type === 'Timeout') live.set(asyncId, resource as TimerResource);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return {
    pending: async () => {
      // Node reports a cleared timer's end on a later turn of the event loop.
      await nextTurn();
      await nextTurn();
      hook.disable();
      return [...live.values()].filter((timer) => timer.hasRef()).length;
    },
  };
}

/** Collects unhandled rejections from now on, until `stop`. */
export function watchRejections(): { stop(): Promise<unknown[]> } {
  const rejections: unknown[] = [];
  const collect = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', collect);
  return {
    stop: async () => {
      // A rejection is called unhandled only once the turn it happened in is over.
      await nextTurn();
      process.off('unhandledRejection', collect);
      return rejections;
    },
  };
}
