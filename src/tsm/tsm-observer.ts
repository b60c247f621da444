/**
 * What the TSM client tells an observer about its work: every HTTP attempt, to TSM for a resource
 * or to CSP for an access token, and every token exchange. Metrics implement it; the client knows
 * nothing of them, and without an observer it tells no one.
 */
import type { ResourceKind } from '../domain/resources.js';
import type { TsmAttempt } from './types.js';

/** Whom an attempt was for: one of the three resources, or CSP's access token. */
export type AttemptTarget = ResourceKind | 'accessToken';

/** Learns of the client's attempts and token exchanges as they end. */
export interface TsmObserver {
  /** One attempt ended; `retryInMs` on it says another attempt follows. */
  attempt(target: AttemptTarget, attempt: TsmAttempt): void;
  /** One exchange of the API token at CSP ended, with a token or without. */
  tokenExchange(obtained: boolean): void;
}

/** The observer of a client built without one. */
export const SILENT_TSM_OBSERVER: TsmObserver = {
  attempt: () => undefined,
  tokenExchange: () => undefined,
};
