/**
 * The public shapes of the TSM simulator: what a test, the demo or a load test passes in and gets
 * back. The simulator shares no code with the service, so these types are its own.
 */
import type { LoggerOptions } from 'pino';

/** TSM's resource collections, named by the words TSM uses in their paths. */
export const RESOURCE_COLLECTIONS = [
  'certificates',
  'external-accounts',
  'certificate-authorities',
] as const;

/** A TSM resource collection. */
export type ResourceCollection = (typeof RESOURCE_COLLECTIONS)[number];

/** A resource body as JSON. */
export type ResourceJson = Record<string, unknown>;

/** How the simulator is started; every field has a default. */
export interface SimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** API tokens CSP accepts in exchange for an access token; default ['sim-api-token']. */
  apiTokens?: string[];
  /** Lifetime of an issued access token; default 1799 seconds, as CSP documents. */
  accessTokenTtlSeconds?: number;
  /** Status answered to a missing, unknown or expired access token; default 401. */
  expiredTokenStatus?: 401 | 403;
  /** Fixed delay added to every TSM call (not CSP, not admin); default 0. */
  latencyMs?: number;
  /** How many requests the journal keeps, oldest dropped first; default 10 000. */
  journalLimit?: number;
  /** Fastify's logger; default false (silent). */
  logger?: false | LoggerOptions;
}

/** Which requests a fault matches and what it does to them. */
export interface FaultSpec {
  /** HTTP method, case-insensitive; default any. */
  method?: string;
  /** Exact path, a prefix ending with '*', or a regular expression; default any. */
  path?: string | RegExp;
  /** How many matching requests the fault applies to; default 1; Infinity allowed. */
  count?: number;
  /** Answer this status, with `body` or a small JSON body {code, message}. */
  status?: number;
  /** Retry-After header value, sent as given (seconds or an HTTP date). */
  retryAfter?: string;
  /** Wait this long before answering, or before dropping. */
  delayMs?: number;
  /**
   * Hold the request, where `delayMs` would, until this promise settles (and the delay, if any,
   * has passed): a latch a test in the same process releases. The admin surface cannot carry it.
   */
  releasedBy?: PromiseLike<unknown>;
  /**
   * With a hold (`delayMs` or `releasedBy`) and nothing else: perform the operation when the hold
   * ends even if the client has given up meanwhile, as TSM may apply a request its caller no
   * longer waits for. The client hears nothing; the journal records 499.
   */
  deliverLate?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Perform the real operation first, then answer with the fault: "applied, answer lost". */
  applyFirst?: boolean;
  /** Custom error body for `status`. */
  body?: unknown;
}

/** The headers a journal entry keeps; a token's value is never among them. */
export interface RecordedHeaders {
  'x-request-id'?: string;
  'content-type'?: string;
  'csp-auth-token-present': boolean;
}

/** One request the simulator received, as the journal keeps it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, unknown>;
  headers: RecordedHeaders;
  /** Parsed JSON; for a form body (the CSP exchange) only the field names. */
  body: unknown;
  /** Status answered; 'dropped' when a fault destroyed the socket; 499 when the client left. */
  status: number | 'dropped';
  /** When the request arrived, ISO 8601. */
  at: string;
}

/** A TSM or CSP request at the moment it arrives, before any fault or latency acts on it. */
export interface ArrivingRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Whether an injected fault matched it (and will act on it). */
  faulted: boolean;
}

/** A running simulator serving both TSM and CSP on one URL. */
export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Adds a fault after those already injected; faults are matched in that order. */
  injectFault(fault: FaultSpec): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** The journal, oldest first. */
  requests(): RecordedRequest[];
  /** Empties the journal. */
  clearRequests(): void;
  /** The body stored for a resource (as PUT, without server-side fields), if present. */
  resource(kind: ResourceCollection, id: string): ResourceJson | undefined;
  /** Every stored body of a collection, by id (a copy). */
  resources(kind: ResourceCollection): Map<string, ResourceJson>;
  /** Puts a resource in place without a request and without validation. */
  seed(kind: ResourceCollection, id: string, body: ResourceJson): void;
  /**
   * Marks a resource in use by clusters (default) or no longer: TSM then answers 409 to its
   * DELETE, as it does for a CA configuration whose label onboarded clusters still carry.
   */
  markInUse(kind: ResourceCollection, id: string, inUse?: boolean): void;
  /**
   * Calls `listener` for every TSM or CSP request as it arrives, before a fault delays or answers
   * it; returns the function that stops the calls. `reset` keeps listeners.
   */
  onArrival(listener: (request: ArrivingRequest) => void): () => void;
  /** Makes every access token issued so far expired. */
  expireAccessTokens(): void;
  /** Forgets resources, faults, the journal and access tokens. */
  reset(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
