/**
 * The access token every TSM call carries: either fixed by configuration, or obtained from CSP in
 * exchange for the API token, cached, renewed shortly before it expires, and fetched once however
 * many calls want it at the same moment. A call cancelled while it waits stops waiting at once.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { cancelledAwaitingToken } from './cancelled-failures.js';
import { messageOf, parseJson } from './error-excerpt.js';
import { exchange, tooLargeMessage, type HttpAnswer } from './http-answer.js';
import type { Endpoint } from './endpoints.js';
import {
  runWithRetry,
  type AttemptOutcome,
  type RetrySettings,
  type RetryTools,
} from './retry-policy.js';
import type { SecretRedactor } from './secrets.js';
import { SharedExchange } from './shared-exchange.js';
import type { TsmObserver } from './tsm-observer.js';
import type { TsmAttempt, TsmCallOptions, TsmFailure } from './types.js';

/** Where CSP exchanges an API token for an access token. */
export const CSP_AUTHORIZE_PATH = '/csp/gateway/am/api/auth/api-tokens/authorize';

/** An access token, or why none could be had. */
export type TokenResult = { ok: true; token: string } | { ok: false; failure: TsmFailure };

/** The part of a TSM call that an exchange made on its behalf shares. */
export type TokenRequest = Pick<TsmCallOptions, 'requestId' | 'deadline' | 'onAttempt' | 'signal'>;

/** Hands out the access token for TSM calls. */
export interface AccessTokenSource {
  /** False for a fixed access token: TSM refusing it is final. */
  readonly renewable: boolean;
  /** The current access token, exchanged anew when there is none or it is about to expire. */
  get(request: TokenRequest): Promise<TokenResult>;
  /** Marks a refused token, so that the next `get` exchanges anew if it is still the cached one. */
  invalidate(token: string): void;
}

/** What the token source needs. */
export interface AccessTokenOptions {
  credentials: Config['tsmCredentials'];
  csp: Endpoint;
  retry: RetrySettings;
  tools: RetryTools;
  logger: Logger;
  userAgent: string;
  /** Learns every token the source holds or obtains, so that none can leave the client. */
  redactor: SecretRedactor;
  /** Learns of the exchange's attempts and of each exchange's end. */
  observer: TsmObserver;
}

/** CSP documents 1799 s; a grant that states no lifetime is assumed to have that one. */
const DOCUMENTED_LIFETIME_SECONDS = 1799;
const RENEWAL_MARGIN_MAX_MS = 60_000;
const RENEWAL_MARGIN_SHARE = 0.1;

interface Grant {
  token: string;
  lifetimeMs: number;
}

/** A token source for the configured credentials. */
export function createAccessTokenSource(options: AccessTokenOptions): AccessTokenSource {
  const credentials = options.credentials;
  if (credentials.kind === 'api-token') {
    options.redactor.keep(credentials.apiToken);
    return new ExchangedToken(credentials.apiToken, options);
  }

  options.redactor.keep(credentials.accessToken);
  const fixed: TokenResult = { ok: true, token: credentials.accessToken };
  return { renewable: false, get: () => Promise.resolve(fixed), invalidate: () => undefined };
}

class ExchangedToken implements AccessTokenSource {
  readonly renewable = true;
  // Private fields stay out of enumeration, so neither a log call nor JSON can reach them.
  readonly #apiToken: string;
  readonly #options: AccessTokenOptions;
  #cached: { token: string; renewAt: number } | undefined;
  #inFlight: SharedExchange<TokenResult> | undefined;

  constructor(apiToken: string, options: AccessTokenOptions) {
    this.#apiToken = apiToken;
    this.#options = options;
  }

  async get(request: TokenRequest): Promise<TokenResult> {
    if (request.signal?.aborted === true) return { ok: false, failure: cancelledAwaitingToken() };

    const cached = this.#cached;
    if (cached !== undefined && this.#options.tools.now() < cached.renewAt) {
      return { ok: true, token: cached.token };
    }

    const joined = this.#inFlight?.joinable === true ? this.#inFlight : undefined;
    const result = await (joined ?? this.#start(request)).wait(request.signal);
    if (result === undefined) return { ok: false, failure: cancelledAwaitingToken() };
    return joined === undefined ? result : this.#afterJoining(result, request);
  }

  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  /** An exchange for this call, which others may join until it ends or everyone has left. */
  #start(request: TokenRequest): SharedExchange<TokenResult> {
    const shared: SharedExchange<TokenResult> = new SharedExchange(async (signal) => {
      try {
        return await this.#exchange(request, signal);
      } finally {
        if (this.#inFlight === shared) this.#inFlight = undefined;
      }
    });
    this.#inFlight = shared;
    return shared;
  }

  async #afterJoining(shared: TokenResult, request: TokenRequest): Promise<TokenResult> {
    // The shared exchange ran to its starter's deadline; a caller with time left tries again.
    const outOfTime = !shared.ok && shared.failure.kind === 'timeout';
    if (outOfTime && this.#options.tools.now() < request.deadline) return this.get(request);
    return shared;
  }

  async #exchange(request: TokenRequest, signal: AbortSignal): Promise<TokenResult> {
    const { csp, retry, tools, logger, observer } = this.#options;
    const forCaller = attemptsWhileWaiting(request);
    const obtainedAt = tools.now();
    const path = csp.pathPrefix + CSP_AUTHORIZE_PATH;
    const runLogger = logger.child({ reqId: request.requestId });
    const run = {
      target: 'csp' as const,
      method: 'POST' as const,
      path,
      deadline: request.deadline,
      signal,
      onAttempt: (attempt: TsmAttempt) => {
        observer.attempt('accessToken', attempt);
        forCaller?.(attempt);
      },
      logger: runLogger,
      attempt: async ({ signal }: { signal: AbortSignal }) =>
        interpretGrant(await exchange(csp.dispatcher, this.#request(path, request), signal)),
    };
    const result = await runWithRetry(run, retry, tools);
    observer.tokenExchange(result.ok);
    if (!result.ok) {
      // A refused API token stays refused until an operator replaces it; anything else passes.
      if (result.failure.kind === 'auth') {
        runLogger.error({ reason: result.failure.message }, 'csp refused the api token');
      }
      return { ok: false, failure: result.failure };
    }

    this.#options.redactor.remember(result.value.token);
    this.#cached = { token: result.value.token, renewAt: renewalTime(obtainedAt, result.value) };
    return { ok: true, token: result.value.token };
  }

  #request(path: string, request: TokenRequest) {
    return {
      method: 'POST' as const,
      path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': this.#options.userAgent,
        'x-request-id': request.requestId,
      },
      body: new URLSearchParams({ refresh_token: this.#apiToken }).toString(),
    };
  }
}

/**
 * The exchange's attempts go to the call that started it, but only while it waits: once it has
 * been cancelled and has reported its own end, later attempts are no longer its own.
 */
function attemptsWhileWaiting(request: TokenRequest): TokenRequest['onAttempt'] {
  const { onAttempt, signal } = request;
  if (onAttempt === undefined) return undefined;
  return (attempt) => {
    if (signal?.aborted !== true) onAttempt(attempt);
  };
}

/** Renew when less than min(60 s, 10 % of the lifetime) is left, counted from the request. */
function renewalTime(obtainedAt: number, grant: Grant): number {
  const margin = Math.min(RENEWAL_MARGIN_MAX_MS, grant.lifetimeMs * RENEWAL_MARGIN_SHARE);
  return obtainedAt + grant.lifetimeMs - margin;
}

function interpretGrant(answer: HttpAnswer): AttemptOutcome<Grant> {
  const { status } = answer;
  if (status >= 200 && status < 300) return grantOf(answer);
  if (status === 400 || status === 401 || status === 403) {
    return { kind: 'failure', status, failure: { kind: 'auth', message: refusal(answer) } };
  }
  // The body is not kept: CSP could echo the form, and the form is the API token.
  const failure: TsmFailure = { kind: 'unavailable', status, message: `CSP answered ${status}` };
  return answer.retryAfter === undefined
    ? { kind: 'failure', status, failure }
    : { kind: 'failure', status, failure, retryAfter: answer.retryAfter };
}

function grantOf(answer: HttpAnswer): AttemptOutcome<Grant> {
  if (answer.truncated) {
    const failure: TsmFailure = {
      kind: 'unavailable',
      message: tooLargeMessage('CSP', answer.status),
    };
    return { kind: 'failure', status: answer.status, failure };
  }
  const body = parseJson(answer.text);
  const token = fieldOf(body, 'access_token');
  if (typeof token !== 'string' || token === '') {
    const message = 'CSP answered without an access token';
    return { kind: 'failure', status: answer.status, failure: { kind: 'unavailable', message } };
  }

  const expiresIn = Number(fieldOf(body, 'expires_in'));
  const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined;
  const lifetimeMs = (seconds ?? DOCUMENTED_LIFETIME_SECONDS) * 1000;
  return { kind: 'success', status: answer.status, value: { token, lifetimeMs } };
}

function refusal(answer: HttpAnswer): string {
  const invalidGrant = messageOf(answer.text)?.startsWith('invalid_grant') === true;
  return `CSP refused the API token (${invalidGrant ? 'invalid_grant' : `HTTP ${answer.status}`})`;
}

function fieldOf(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  return (body as Record<string, unknown>)[name];
}
