/**
 * One HTTP exchange over a pooled connection, its body always read to the end: a body left unread
 * keeps its connection from going back to the pool.
 */
import type { Dispatcher } from 'undici';

/** A request as the TSM client and the token exchange make it. */
export interface HttpRequest {
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An answer with its body read. */
export interface HttpAnswer {
  status: number;
  /** The Retry-After header, when there was one. */
  retryAfter?: string;
  text: string;
}

/** Sends the request and reads the whole answer; throws on network errors and on abort. */
export async function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const response = await dispatcher.request({ ...request, signal });
  const text = await response.body.text();
  const retryAfter = firstValue(response.headers['retry-after']);
  return retryAfter === undefined
    ? { status: response.statusCode, text }
    : { status: response.statusCode, retryAfter, text };
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}
