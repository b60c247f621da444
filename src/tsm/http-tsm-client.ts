/**
 * The TSM client over HTTP: the three resources' reads, writes and deletes, each carrying an
 * access token and a request id, retried by the retry policy, and renewed once when TSM refuses
 * the token. The caller's signal cancels a call at any point: while it waits for an access token,
 * during an attempt or between attempts. Every result leaves with the client's secrets redacted.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ResourceBody, ResourceKind } from '../domain/resources.js';
import { createAccessTokenSource, type AccessTokenSource } from './access-token.js';
import { cancelledBeforeAttempt } from './cancelled-failures.js';
import { OriginPools, type Endpoint } from './endpoints.js';
import { exchange, type HttpRequest } from './http-answer.js';
import { resourcePath } from './resource-paths.js';
import {
  runWithRetry,
  systemRetryTools,
  type AttemptOutcome,
  type RetryTools,
} from './retry-policy.js';
import { SecretRedactor } from './secrets.js';
import { tokenReadiness } from './token-readiness.js';
import { SILENT_TSM_OBSERVER, type TsmObserver } from './tsm-observer.js';
import {
  deleteAnswer,
  isTokenRefusal,
  readAnswer,
  writeAnswer,
  type Interpret,
} from './tsm-answers.js';
import type { TsmAttempt, TsmCallOptions, TsmClient, TsmFailure, TsmResult } from './types.js';

/** What the client is built from. */
export interface TsmClientOptions {
  tsmUrl: string;
  cspUrl: string;
  credentials: Config['tsmCredentials'];
  retry: Config['retry'];
  logger: Logger;
  userAgent?: string;
  /** Randomness, clock and waiting; tests replace them to make retries exact. */
  tools?: Partial<RetryTools>;
  /** Learns of every attempt and token exchange; the service's metrics. */
  observer?: TsmObserver;
  /** How long the readiness probe reuses its answer on the access token; default 30 s. */
  tokenCheckIntervalMs?: number;
}

const DEFAULT_TOKEN_CHECK_INTERVAL_MS = 30_000;

const DEFAULT_USER_AGENT = 'tsm-vault-integrations';

interface ClientContext {
  tsm: Endpoint;
  tokens: AccessTokenSource;
  retry: Config['retry'];
  tools: RetryTools;
  logger: Logger;
  userAgent: string;
  redactor: SecretRedactor;
  observer: TsmObserver;
}

type TsmRequest = Pick<HttpRequest, 'method' | 'path' | 'body'> & { kind: ResourceKind };
type Failed = Extract<TsmResult<unknown>, { ok: false }>;

/** A TSM client with one keep-alive pool per origin. */
export function createTsmClient(options: TsmClientOptions): TsmClient {
  const pools = new OriginPools();
  const tools = { ...systemRetryTools, ...options.tools };
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const redactor = new SecretRedactor();
  const observer = options.observer ?? SILENT_TSM_OBSERVER;
  const tokens = createAccessTokenSource({
    credentials: options.credentials,
    csp: pools.endpoint(options.cspUrl),
    retry: options.retry,
    tools,
    logger: options.logger,
    userAgent,
    redactor,
    observer,
  });
  const context: ClientContext = {
    tsm: pools.endpoint(options.tsmUrl),
    tokens,
    retry: options.retry,
    tools,
    logger: options.logger,
    userAgent,
    redactor,
    observer,
  };
  const interval = options.tokenCheckIntervalMs ?? DEFAULT_TOKEN_CHECK_INTERVAL_MS;
  const checkAccessToken = tokenReadiness(tokens, tools, interval);
  return { ...clientOver(context), checkAccessToken, close: () => pools.close() };
}

function clientOver(context: ClientContext): Omit<TsmClient, 'checkAccessToken' | 'close'> {
  return {
    resourcePath,
    getResource: (kind: ResourceKind, id: string, options: TsmCallOptions) =>
      call(context, { kind, method: 'GET', path: resourcePath(kind, id) }, readAnswer, options),
    putResource: (kind: ResourceKind, id: string, body: ResourceBody, options: TsmCallOptions) => {
      const request = { kind, method: 'PUT' as const, path: resourcePath(kind, id) };
      return call(context, { ...request, body: JSON.stringify(body) }, writeAnswer, options);
    },
    deleteResource: (kind: ResourceKind, id: string, options: TsmCallOptions) => {
      const request = { kind, method: 'DELETE' as const, path: resourcePath(kind, id) };
      return call(context, request, deleteAnswer, options);
    },
  };
}

/** One TSM call, its result redacted: the one way out of the client for TSM's and CSP's texts. */
async function call<T>(
  context: ClientContext,
  request: TsmRequest,
  interpret: Interpret<T>,
  options: TsmCallOptions,
): Promise<TsmResult<T>> {
  const result = await callRenewingToken(context, request, interpret, options);
  return context.redactor.redactResult(result);
}

/** A refused token is renewed and the call tried once more at once. */
async function callRenewingToken<T>(
  context: ClientContext,
  request: TsmRequest,
  interpret: Interpret<T>,
  options: TsmCallOptions,
): Promise<TsmResult<T>> {
  if (options.signal?.aborted === true) {
    return failedBeforeTsm(cancelledBeforeAttempt('tsm', 0), 0, false);
  }
  const token = await context.tokens.get(options);
  if (!token.ok) return failedBeforeTsm(token.failure, 0, false);

  const first = await runTsm(context, request, interpret, options, token.token, 1);
  if (first.ok || !isTokenRefusal(first.failure)) return first;
  if (!context.tokens.renewable) {
    logTokenRefused(context, options, 'fixed');
    return first;
  }

  context.tokens.invalidate(token.token);
  return retryWithFreshToken(context, request, interpret, options, first);
}

async function retryWithFreshToken<T>(
  context: ClientContext,
  request: TsmRequest,
  interpret: Interpret<T>,
  options: TsmCallOptions,
  first: Failed,
): Promise<TsmResult<T>> {
  const fresh = await context.tokens.get(options);
  if (!fresh.ok) return failedBeforeTsm(fresh.failure, first.attempts, first.uncertain);

  // The renewed attempt continues the numbering; it may go one past maxAttempts.
  const next = first.attempts + 1;
  const second = await runTsm(context, request, interpret, options, fresh.token, next);
  if (second.ok) return second;

  const refused = isTokenRefusal(second.failure);
  if (refused) logTokenRefused(context, options, 'renewed');
  const failure: TsmFailure = refused
    ? { kind: 'auth', message: 'TSM refused a freshly renewed access token' }
    : second.failure;
  return { ...second, failure, uncertain: second.uncertain || first.uncertain };
}

/** A token TSM refuses for good needs an operator: a new token, or a role for its user. */
function logTokenRefused(
  context: ClientContext,
  options: TsmCallOptions,
  token: 'fixed' | 'renewed',
): void {
  context.logger
    .child({ reqId: options.requestId })
    .error({ token }, 'tsm refused the access token');
}

function runTsm<T>(
  context: ClientContext,
  request: TsmRequest,
  interpret: Interpret<T>,
  options: TsmCallOptions,
  token: string,
  firstAttempt: number,
): Promise<TsmResult<T>> {
  const { kind, method, body } = request;
  const path = context.tsm.pathPrefix + request.path;
  const headers = tsmHeaders(context, options.requestId, token, body !== undefined);
  const httpRequest: HttpRequest = {
    method,
    path,
    headers,
    ...(body === undefined ? {} : { body }),
  };
  const redact = (text: string) => context.redactor.redact(text);
  const run = {
    target: 'tsm' as const,
    method: request.method,
    path,
    deadline: options.deadline,
    signal: options.signal,
    firstAttempt,
    onAttempt: (attempt: TsmAttempt) => {
      context.observer.attempt(kind, attempt);
      options.onAttempt?.(attempt);
    },
    logger: context.logger.child({ reqId: options.requestId }),
    attempt: async ({ signal }: { signal: AbortSignal }): Promise<AttemptOutcome<T>> =>
      interpret(await exchange(context.tsm.dispatcher, httpRequest, signal), redact),
  };
  return runWithRetry(run, context.retry, context.tools);
}

function tsmHeaders(
  context: ClientContext,
  requestId: string,
  token: string,
  hasBody: boolean,
): Record<string, string> {
  return {
    'csp-auth-token': token,
    'x-request-id': requestId,
    accept: 'application/json',
    'user-agent': context.userAgent,
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
  };
}

/** A call that ended without (another) TSM attempt because no access token could be had. */
function failedBeforeTsm(failure: TsmFailure, attempts: number, uncertain: boolean): Failed {
  return { ok: false, failure, attempts, uncertain };
}
