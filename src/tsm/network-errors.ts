/**
 * What a thrown network error means for a retry: whether trying again can help, and whether the
 * request may have reached TSM (which makes a failed PUT or DELETE uncertain).
 */

/** The codes that say the connection never carried the request. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The codes worth another attempt: the network or the far end failed, not our request. */
const RETRYABLE = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A thrown error, as the retry policy sees it. */
export interface NetworkError {
  /** The error's code, e.g. ECONNRESET; "network error" when it has none. */
  error: string;
  retryable: boolean;
  /** False only when the request certainly never left this process. */
  mayHaveReachedServer: boolean;
  /** True when the error is no network error at all: a fault of this service. */
  unexpected: boolean;
}

/** Classifies an error thrown by an HTTP attempt. */
export function classifyNetworkError(thrown: unknown): NetworkError {
  const code = errorCode(thrown) ?? errorCode(causeOf(thrown));
  if (code === undefined) {
    return {
      error: 'network error',
      retryable: false,
      mayHaveReachedServer: true,
      unexpected: true,
    };
  }
  return {
    error: code,
    retryable: RETRYABLE.has(code),
    mayHaveReachedServer: !NEVER_SENT.has(code),
    unexpected: false,
  };
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

function causeOf(value: unknown): unknown {
  return value instanceof Error ? value.cause : undefined;
}
