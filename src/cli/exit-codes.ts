/**
 * What the command-line client's exit status means, so that a ticketing automation can branch on
 * it without reading the output. Problem codes map one by one; a code this client does not know
 * yet (a newer service) falls back on its HTTP status.
 */

/** Exit statuses; the README's CLI section lists them. */
export const EXIT = {
  /** Done: created, previewed, read, listed or deleted. */
  OK: 0,
  /** The integration or deletion failed, and nothing of it was left half-done in TSM. */
  FAILED: 1,
  /** Bad flags or file, or the service refused the request as invalid. */
  USAGE: 2,
  /** The credential is missing, unknown, expired or lacks the route's scope. */
  AUTH: 3,
  /** A conflict: resources in TSM differ, another run holds them, or the CA label is in use. */
  CONFLICT: 4,
  /** The service could not be reached, is not ready, is stopping or asks to slow down. */
  UNAVAILABLE: 5,
  /** A rollback or deletion failed: resources remain in TSM and an operator must look. */
  LEFT_IN_TSM: 6,
  /** No such integration. */
  NOT_FOUND: 7,
} as const;

/** What each exit status means, in a few words, for the help. */
export const EXIT_MEANINGS: Record<ExitCode, string> = {
  0: 'done',
  1: 'the integration or deletion failed; nothing was left half-done in TSM',
  2: 'bad flags or file, or the service found the request invalid',
  3: 'credential missing, refused, or without the scope',
  4: 'conflict: in TSM, with a running integration, or a CA label in use',
  5: 'service unreachable, not ready, stopping or rate limiting; or --timeout passed',
  6: 'a rollback or deletion failed: resources remain in TSM, an operator must look',
  7: 'no such integration',
};

/** An exit status of the client. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit status of each problem code the service answers with. */
export const PROBLEM_EXIT_CODES: Record<string, ExitCode> = {
  VALIDATION_FAILED: EXIT.USAGE,
  MALFORMED_JSON: EXIT.USAGE,
  BAD_REQUEST: EXIT.USAGE,
  PAYLOAD_TOO_LARGE: EXIT.USAGE,
  HEADERS_TOO_LARGE: EXIT.USAGE,
  REQUEST_TIMEOUT: EXIT.UNAVAILABLE,
  UNSUPPORTED_MEDIA_TYPE: EXIT.USAGE,
  IDEMPOTENCY_KEY_REUSED: EXIT.USAGE,
  UNAUTHORIZED: EXIT.AUTH,
  INSUFFICIENT_SCOPE: EXIT.AUTH,
  NOT_FOUND: EXIT.NOT_FOUND,
  INTEGRATION_IN_PROGRESS: EXIT.CONFLICT,
  TSM_RESOURCE_EXISTS: EXIT.CONFLICT,
  INTEGRATION_NOT_DELETABLE: EXIT.CONFLICT,
  CA_LABEL_IN_USE: EXIT.CONFLICT,
  RATE_LIMITED: EXIT.UNAVAILABLE,
  SERVICE_UNAVAILABLE: EXIT.UNAVAILABLE,
  INTEGRATION_INTERRUPTED: EXIT.UNAVAILABLE,
  ROLLBACK_FAILED: EXIT.LEFT_IN_TSM,
  DELETE_FAILED: EXIT.LEFT_IN_TSM,
  CA_BUNDLE_NOT_FOUND: EXIT.FAILED,
  VAULT_PREFLIGHT_FAILED: EXIT.FAILED,
  TSM_REJECTED: EXIT.FAILED,
  TSM_UNAVAILABLE: EXIT.FAILED,
  TSM_AUTH_FAILED: EXIT.FAILED,
  TSM_TIMEOUT: EXIT.FAILED,
  INTERNAL_ERROR: EXIT.FAILED,
};

/** The exit status of a problem answer: by its code, else by its HTTP status. */
export function exitCodeOfProblem(code: unknown, status: number): ExitCode {
  const known = typeof code === 'string' ? PROBLEM_EXIT_CODES[code] : undefined;
  if (known !== undefined) return known;
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 409) return EXIT.CONFLICT;
  if (status === 429 || status === 503) return EXIT.UNAVAILABLE;
  if (status >= 400 && status < 500) return EXIT.USAGE;
  return EXIT.FAILED;
}

/**
 * The exit status of an integration that has ended: by its status, and for one rolled back by
 * the code of its failure, so that a conflict followed to its end exits as a conflict answered
 * at once would.
 */
export function exitCodeOfIntegration(status: unknown, failureCode: unknown): ExitCode {
  switch (status) {
    case 'succeeded':
    case 'deleted':
      return EXIT.OK;
    case 'rollback_failed':
    case 'delete_failed':
      return EXIT.LEFT_IN_TSM;
    default: {
      const known = typeof failureCode === 'string' ? PROBLEM_EXIT_CODES[failureCode] : undefined;
      return known ?? EXIT.FAILED;
    }
  }
}
