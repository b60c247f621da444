/**
 * The one registry of error codes the API answers with. Each code has one HTTP status and one
 * title; code branches on the code, never on a message. Answers are RFC 9457 problem details.
 */

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  BAD_REQUEST: { status: 400, title: 'The request could not be read' },
  UNAUTHORIZED: { status: 401, title: 'Missing or invalid caller credentials' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'The caller lacks the scope this call needs' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  INTEGRATION_IN_PROGRESS: {
    status: 409,
    title: 'Another integration is running on the same key or TSM resource',
  },
  TSM_RESOURCE_EXISTS: {
    status: 409,
    title: 'A resource already exists in TSM with other content',
  },
  INTEGRATION_NOT_DELETABLE: {
    status: 409,
    title: 'Only a succeeded integration (or one whose deletion failed) can be deleted',
  },
  CA_LABEL_IN_USE: {
    status: 409,
    title: 'TSM refuses to delete the CA configuration: clusters still use its CA label',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be application/json' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'This Idempotency-Key was used with another request',
  },
  CA_BUNDLE_NOT_FOUND: { status: 422, title: 'The referenced CA bundle does not exist in TSM' },
  TSM_REJECTED: { status: 422, title: 'TSM refused a step; the integration was rolled back' },
  RATE_LIMITED: { status: 429, title: 'Too many writes by this caller; retry later' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The URL or the headers are too large' },
  VAULT_PREFLIGHT_FAILED: {
    status: 422,
    title: 'The request does not match the Vault it names; nothing was sent to TSM',
  },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  TSM_UNAVAILABLE: {
    status: 502,
    title: 'TSM did not complete a step; the integration was rolled back',
  },
  TSM_AUTH_FAILED: { status: 502, title: 'CSP or TSM refused the service credentials' },
  ROLLBACK_FAILED: {
    status: 502,
    title: 'A step failed and the rollback did not complete; resources remain in TSM',
  },
  DELETE_FAILED: {
    status: 502,
    title: 'The deletion did not complete; resources remain in TSM',
  },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is not ready' },
  INTEGRATION_INTERRUPTED: {
    status: 503,
    title: 'The service stopped during the integration; recovery rolls it back',
  },
  TSM_TIMEOUT: {
    status: 504,
    title: 'The integration ran out of time; it was rolled back',
  },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code of the API. */
export type ErrorCode = keyof typeof ERRORS;

/** The media type of every error answer. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `type` URI of a problem, derived from its code so it is stable too. */
export function problemType(code: ErrorCode): string {
  return `urn:tsm-vault-integrations:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * An error that the HTTP surface turns into problem details. `extensions` become extra members
 * of the problem (errors, integration, resources, ...); they must hold no secret.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.extensions = extensions;
  }
}
