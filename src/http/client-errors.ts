/**
 * Answers to requests Node's HTTP parser could not read (a URL or headers over its size limit,
 * a request not received in time, bytes that are not HTTP). No fastify request exists for them,
 * so the problem is written to the socket here, still as problem details with a code.
 */
import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError, PROBLEM_CONTENT_TYPE } from '../errors.js';
import { problemOf } from './problem.js';

/** What the caller is told for each parser failure; anything else is a BAD_REQUEST. */
const PARSER_FAILURES: Record<string, ApiError> = {
  HPE_HEADER_OVERFLOW: new ApiError(
    'HEADERS_TOO_LARGE',
    `The URL and headers together exceed ${maxHeaderSize} bytes; shorten the URL or the headers.`,
  ),
  ERR_HTTP_REQUEST_TIMEOUT: new ApiError(
    'REQUEST_TIMEOUT',
    'The request was not received completely in time; send it again without pauses.',
  ),
};

const UNREADABLE = new ApiError(
  'BAD_REQUEST',
  'The request is not valid HTTP/1.1 and could not be read.',
);

/** A fastify `clientErrorHandler` answering with problem details. */
export function clientErrorAnswer(logger: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = PARSER_FAILURES[error.code ?? ''] ?? UNREADABLE;
    const requestId = randomUUID();
    // Only the code: the error's rawPacket holds the unread request, credentials and all.
    logger.info({ code: error.code, requestId }, 'request refused unread');
    // The path was never read: the instance names the occurrence by its request id instead.
    const problem = problemOf(refusal, `urn:uuid:${requestId}`, requestId);
    const body = JSON.stringify(problem);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
          `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${requestId}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  };
}
