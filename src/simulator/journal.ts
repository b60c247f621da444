/**
 * The request journal: what reached the simulator, in a ring of fixed size so that a long load
 * test does not grow memory without bound.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RecordedRequest } from './types.js';

/** The CSP token exchange; its body holds a secret, so only its field names are journaled. */
export const CSP_AUTHORIZE_PATH = '/csp/gateway/am/api/auth/api-tokens/authorize';

/** The content type of CSP's exchange; a form body is journaled as its field names only. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A bounded journal of requests, oldest first. */
export class RequestJournal {
  private readonly ring: RecordedRequest[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  /** Appends an entry, forgetting the oldest once the limit is reached. */
  record(entry: RecordedRequest): void {
    if (this.limit <= 0) return;
    if (this.ring.length < this.limit) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
  }

  /** The kept entries, oldest first. */
  list(): RecordedRequest[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Forgets every entry. */
  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

/** The path of a request, without its query string. */
export function pathOf(request: FastifyRequest): string {
  const end = request.url.indexOf('?');
  return end === -1 ? request.url : request.url.slice(0, end);
}

/** A journal entry for a request and the status it was (or was not) answered with. */
export function describeRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  status: RecordedRequest['status'],
): RecordedRequest {
  const path = pathOf(request);
  const contentType = headerValue(request.headers['content-type']);
  const secretBearing = path === CSP_AUTHORIZE_PATH || contentType?.startsWith(FORM_TYPE) === true;
  const requestId = headerValue(request.headers['x-request-id']);

  return {
    method: request.method,
    path,
    query: secretBearing ? namesOnly(request.query) : { ...(request.query as object) },
    headers: {
      ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
      'csp-auth-token-present': request.headers['csp-auth-token'] !== undefined,
    },
    body: secretBearing ? fieldNames(request.body) : request.body,
    status,
    at: new Date(Date.now() - reply.elapsedTime).toISOString(),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function fieldNames(body: unknown): string[] | undefined {
  return typeof body === 'object' && body !== null ? Object.keys(body) : undefined;
}

function namesOnly(query: unknown): Record<string, string> {
  const names = fieldNames(query) ?? [];
  return Object.fromEntries(names.map((name) => [name, '[redacted]']));
}
