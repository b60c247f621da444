/**
 * A logger for the store that keeps what it is told: the migrations applied, and the database
 * connections lost, with a latch that resolves once enough were lost.
 */

/** What the store logged, and a wait for lost connections. */
export interface StorageLog {
  /** Names of the migrations applied, in order. */
  readonly applied: string[];
  /** How many times the store reported a database connection lost. */
  readonly lost: () => number;
  /** Resolves once `count` connections in all have been reported lost. */
  readonly lostAtLeast: (count: number) => Promise<void>;
  info: (context: unknown) => void;
  warn: (context: unknown, message?: string) => void;
}

/** A fresh log. */
export function storageLog(): StorageLog {
  const applied: string[] = [];
  let lost = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const release = () => {
    for (const waiter of waiting.filter((entry) => entry.count <= lost)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  return {
    applied,
    lost: () => lost,
    lostAtLeast: (count) =>
      new Promise((resolve) => {
        waiting.push({ count, resolve });
        release();
      }),
    info: (context) => {
      const { migration } = (context ?? {}) as { migration?: unknown };
      if (typeof migration === 'string') applied.push(migration);
    },
    warn: (_context, message) => {
      if (message === 'database connection lost') lost += 1;
      release();
    },
  };
}
