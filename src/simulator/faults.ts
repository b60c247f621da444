/**
 * Injected faults, matched in the order they were injected; each applies to a number of matching
 * requests and is then forgotten.
 */
import type { FaultSpec } from './types.js';

/** A fault as it acts on one request: what to do, without the matching rules. */
export interface ActiveFault {
  status?: number;
  retryAfter?: string;
  delayMs: number;
  releasedBy?: PromiseLike<unknown>;
  deliverLate: boolean;
  drop: boolean;
  applyFirst: boolean;
  body?: unknown;
}

interface PendingFault {
  method?: string;
  matchesPath: (path: string) => boolean;
  remaining: number;
  effect: ActiveFault;
}

/** The faults waiting for requests to match them. */
export class FaultBook {
  private pending: PendingFault[] = [];

  /** Adds a fault after those already injected. */
  inject(spec: FaultSpec): void {
    const remaining = spec.count ?? 1;
    if (!(remaining > 0)) throw new RangeError('A fault count must be positive');

    this.pending.push({
      method: spec.method?.toUpperCase(),
      matchesPath: pathMatcher(spec.path),
      remaining,
      effect: {
        status: spec.status,
        retryAfter: spec.retryAfter,
        delayMs: spec.delayMs ?? 0,
        releasedBy: spec.releasedBy,
        deliverLate: spec.deliverLate ?? false,
        drop: spec.drop ?? false,
        applyFirst: spec.applyFirst ?? false,
        body: spec.body,
      },
    });
  }

  /** The first fault matching this request, counting the request against it. */
  take(method: string, path: string): ActiveFault | undefined {
    const index = this.pending.findIndex(
      (fault) => (fault.method ?? method) === method && fault.matchesPath(path),
    );
    const fault = this.pending[index];
    if (fault === undefined) return undefined;

    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return fault.effect;
  }

  /** Forgets every fault. */
  clear(): void {
    this.pending = [];
  }
}

function pathMatcher(path: FaultSpec['path']): (candidate: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) {
    // A global or sticky expression keeps state between tests; a copy without those flags does not.
    const pattern = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
    return (candidate) => pattern.test(candidate);
  }
  if (path.endsWith('*')) {
    const prefix = path.slice(0, -1);
    return (candidate) => candidate.startsWith(prefix);
  }
  return (candidate) => candidate === path;
}
