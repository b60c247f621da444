/**
 * Problem details (RFC 9457) made in one place: every error the API answers goes through here,
 * whether it was raised as an ApiError, by fastify while reading the body, or by a bug.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERRORS, PROBLEM_CONTENT_TYPE, problemType, type ErrorCode } from '../errors.js';
import { scrubPrivateKeys } from '../logger.js';
import { echoedPath } from './request-path.js';
import { parameterErrors } from './schema-errors.js';

/** The body of an error answer. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

/**
 * Builds the problem body for an error code. `instance` and `detail` echo what the caller sent,
 * private keys removed, and are never scrubbed of the configured secrets (see request-path.ts).
 */
function problemBody(request: FastifyRequest, error: ApiError): ProblemBody {
  return problemOf(error, echoedPath(request), request.id);
}

/** The problem body of an error, for an answer made with or without a fastify request. */
export function problemOf(error: ApiError, instance: string, requestId: string): ProblemBody {
  const { status, title } = ERRORS[error.code];
  return withoutPrivateKeys({
    type: problemType(error.code),
    title,
    status,
    detail: error.message,
    instance,
    code: error.code,
    requestId,
    ...error.extensions,
  });
}

/**
 * A value with every private key removed from its strings and member names, however deep. Any
 * text of an answer may quote the caller's input (a parameter's name in a pointer and a message,
 * an id in detail), so all of it is scrubbed here, in one place, rather than where it is quoted.
 * Strings are scrubbed one by one: a pattern over the serialized JSON could cut a string open.
 * Only the key's shape is looked for, never the configured secrets (see scrubPrivateKeys).
 */
function withoutPrivateKeys<T>(value: T): T {
  if (typeof value === 'string') return scrubPrivateKeys(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutPrivateKeys(item)) as T;
  if (!isPlainObject(value)) return value;
  const members = Object.entries(value as Record<string, unknown>).map(
    ([name, member]) => [scrubPrivateKeys(name), withoutPrivateKeys(member)] as const,
  );
  return Object.fromEntries(members) as T;
}

/** True for an object literal's kind of object: a Date or a Buffer is answered as it serializes. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Installs the error and not-found handlers that answer with problem details. */
export function registerProblemHandlers(app: FastifyInstance): void {
  const answer = (request: FastifyRequest, reply: FastifyReply, error: ApiError) => {
    if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
    if (error.code === 'INSUFFICIENT_SCOPE') {
      const scope = String(error.extensions.requiredScope);
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
    }
    const problem = problemBody(request, error);
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, app.initialConfig.bodyLimit ?? 0);
    logRefusal(request, apiError, error);
    return answer(request, reply, apiError);
  });

  app.setNotFoundHandler((request, reply) =>
    answer(
      request,
      reply,
      new ApiError('NOT_FOUND', `No route ${request.method} ${echoedPath(request)}.`),
    ),
  );
}

/**
 * An answer for fastify's router errors (a malformed URL, an over-long path parameter), which
 * happen before hooks and the error handler: it builds the problem itself.
 */
export function frameworkErrorAnswer() {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    request.log.info({ code: error.code }, 'request refused');
    const refusal = new ApiError(
      'BAD_REQUEST',
      'The URL could not be read: check its percent-encoding and the length of its parts.',
    );
    const problem = problemBody(request, refusal);
    reply
      .code(problem.status)
      .header('x-request-id', request.id)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem);
  };
}

/** Refuses bodies declared in another character set than UTF-8: JSON is UTF-8 here. */
export function refuseOtherCharsets(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '');
    const name = charset?.[1]?.toLowerCase();
    if (name === undefined || name === 'utf-8' || name === 'utf8') return done();
    done(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 encoded JSON.'));
  });
}

/**
 * Refuses bodies sent compressed (any Content-Encoding but identity): the JSON parser would read
 * the compressed bytes as text, and a zip bomb must not be unpacked to find that out.
 */
export function refuseEncodedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const codings = (request.headers['content-encoding'] ?? '').split(',');
    const named = codings.map((coding) => coding.trim().toLowerCase()).filter((c) => c !== '');
    if (named.every((coding) => coding === 'identity')) return done();
    // RFC 7694: a 415 for a content coding names the codings the server accepts.
    reply.header('accept-encoding', 'identity');
    done(
      new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send the body uncompressed, without a Content-Encoding header.',
      ),
    );
  });
}

function logRefusal(request: FastifyRequest, apiError: ApiError, cause: FastifyError): void {
  if (apiError.code === 'INTERNAL_ERROR') {
    request.log.error({ err: cause }, 'request failed unexpectedly');
  } else if (apiError.status >= 500) {
    request.log.warn({ code: apiError.code }, 'request failed');
  } else {
    request.log.info({ code: apiError.code }, 'request refused');
  }
}

const SEND_JSON = 'Send the body as JSON with the header Content-Type: application/json.';
const INVALID_JSON =
  'The body is not valid JSON (check its syntax), or holds a __proto__ or constructor key.';

/** fastify's own errors while reading a request, and what the caller is told about each. */
const FASTIFY_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', SEND_JSON],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['MALFORMED_JSON', 'The body is empty; send the request as JSON.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', INVALID_JSON],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'BAD_REQUEST',
    'The body does not match its Content-Length.',
  ],
};

/**
 * Maps any thrown error to an ApiError. Messages of other errors are not passed on: they can
 * quote the input they failed on, and the input may hold a secret.
 */
function toApiError(error: FastifyError, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return new ApiError('PAYLOAD_TOO_LARGE', `The body is larger than ${bodyLimit} bytes.`);
  }

  const known = FASTIFY_ERRORS[error.code];
  if (known) return new ApiError(known[0], known[1]);
  if (error instanceof SyntaxError) return new ApiError('MALFORMED_JSON', INVALID_JSON);
  if (error.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', SEND_JSON);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('BAD_REQUEST', 'The request could not be read; check its URL and headers.');
  }
  return new ApiError(
    'INTERNAL_ERROR',
    'The service failed unexpectedly; quote the requestId when you report it.',
  );
}

/** Query-string and path-parameter errors found by the route schemas. */
function validationError(error: FastifyError): ApiError {
  const errors = parameterErrors(error.validation ?? [], error.validationContext);
  return new ApiError('VALIDATION_FAILED', 'Some parameters are not valid; see errors.', {
    errors,
  });
}
