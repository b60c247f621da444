/**
 * Problem details (RFC 9457) made in one place: every error the API answers goes through here,
 * whether it was raised as an ApiError, by fastify while reading the body, or by a bug.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERRORS, PROBLEM_CONTENT_TYPE, problemType, type ErrorCode } from '../errors.js';

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

/** Builds the problem body for an error code. */
export function problemBody(
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemBody {
  const { status, title } = ERRORS[code];
  return {
    type: problemType(code),
    title,
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: request.id,
    ...extensions,
  };
}

/** Sends a problem answer. */
export function sendProblem(reply: FastifyReply, problem: ProblemBody): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Installs the error and not-found handlers that answer with problem details. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500 && apiError.code === 'INTERNAL_ERROR') {
      request.log.error({ err: error }, 'request failed unexpectedly');
    } else if (apiError.status >= 500) {
      request.log.warn({ code: apiError.code }, 'request failed');
    } else {
      request.log.info({ code: apiError.code }, 'request refused');
    }
    if (apiError.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
    return sendProblem(
      reply,
      problemBody(request, apiError.code, apiError.message, apiError.extensions),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemBody(request, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );
}

const SEND_JSON = 'Send the body as JSON with the header Content-Type: application/json.';
const INVALID_JSON =
  'The body is not valid JSON (check its syntax), or holds a __proto__ or constructor key.';

/** fastify's own errors while reading a request, and what the caller is told about each. */
const FASTIFY_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', SEND_JSON],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    'PAYLOAD_TOO_LARGE',
    'The body is larger than this service accepts.',
  ],
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
function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error);

  const known = FASTIFY_ERRORS[error.code];
  if (known) return new ApiError(known[0], known[1]);
  if (error instanceof SyntaxError) return new ApiError('MALFORMED_JSON', INVALID_JSON);
  if (error.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'The body is too large.');
  if (error.statusCode === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', SEND_JSON);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('BAD_REQUEST', 'The request could not be read; check its URL and headers.');
  }
  return new ApiError(
    'INTERNAL_ERROR',
    'The service failed unexpectedly; quote the requestId when you report it.',
  );
}

/** The codes of schema keywords that say more than INVALID_VALUE, as in the body's registry. */
const KEYWORD_CODES: Record<string, string> = {
  required: 'FIELD_REQUIRED',
  additionalProperties: 'UNKNOWN_FIELD',
};

/** Query-string and path-parameter errors found by the route schemas. */
function validationError(error: FastifyError): ApiError {
  const errors = (error.validation ?? []).map((issue) => {
    const member: unknown = issue.params.missingProperty ?? issue.params.additionalProperty;
    const pointer = `${issue.instancePath}${typeof member === 'string' ? `/${member}` : ''}`;
    const problem =
      issue.keyword === 'additionalProperties' ? 'is not a parameter of this route' : issue.message;
    return {
      pointer,
      code: KEYWORD_CODES[issue.keyword] ?? 'INVALID_VALUE',
      message: `${error.validationContext ?? 'request'} ${pointer} ${problem ?? 'is not valid'}`
        .replace(/\s+/g, ' ')
        .trim(),
      in: error.validationContext,
    };
  });
  return new ApiError('VALIDATION_FAILED', 'Some parameters are not valid; see errors.', {
    errors,
  });
}
