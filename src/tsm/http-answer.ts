/**
 * One HTTP exchange over a pooled connection, its body read up to a bound: a body read to its end
 * lets the connection go back to the pool, and a body past the bound is abandoned, which closes
 * the connection, so that no answer can make the service hold more than the bound in memory.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** Most bytes read of a success body, the kind that is parsed. */
export const BODY_MAX_BYTES = 1024 * 1024;

/** Most bytes read of any other body: enough for its excerpt and a `message` near its start. */
export const ERROR_BODY_MAX_BYTES = 8 * 1024;

/** A request as the TSM client and the token exchange make it. */
export interface HttpRequest {
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An answer with its body read, or as much of it as its bound allows. */
export interface HttpAnswer {
  status: number;
  /** The Retry-After header, when there was one. */
  retryAfter?: string;
  text: string;
  /** The body went on past its bound; `text` holds only its start. */
  truncated: boolean;
}

/** Sends the request and reads the answer; throws on network errors and on abort. */
export async function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const response = await dispatcher.request({ ...request, signal });
  const status = response.statusCode;
  const bound = isSuccess(status) ? BODY_MAX_BYTES : ERROR_BODY_MAX_BYTES;
  const { text, truncated } = await readAtMost(response.body, bound);
  const retryAfter = firstValue(response.headers['retry-after']);
  return retryAfter === undefined
    ? { status, text, truncated }
    : { status, retryAfter, text, truncated };
}

/** What a failure says of a success body past its bound, e.g. "TSM answered 200 with ...". */
export function tooLargeMessage(service: 'TSM' | 'CSP', status: number): string {
  const mebibytes = BODY_MAX_BYTES / (1024 * 1024);
  return `${service} answered ${status} with a body too large to read (over ${mebibytes} MiB)`;
}

/** Whether a status says the request succeeded. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

async function readAtMost(
  body: Readable,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      // Leaving the loop destroys the body, and the connection with it: the rest is never read.
      return { text: decodeStart(Buffer.concat(chunks)), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** The bytes as text, without the character the cut may have split. */
function decodeStart(bytes: Buffer): string {
  return new TextDecoder().decode(bytes, { stream: true });
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}
