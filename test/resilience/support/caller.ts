/**
 * A caller of the service over loopback HTTP, for a service in a child process or in this one:
 * its key, an optional Idempotency-Key, and the answer as the caller reads it.
 */
import { request } from 'undici';

/** An answer as a caller reads it. */
export interface CallerAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ProblemOrIntegration;
}

/** The fields of a 201 body or a problem that these tests read. */
export interface ProblemOrIntegration {
  id?: string;
  status?: string;
  code?: string;
  detail?: string;
  integrationId?: string;
  resource?: { kind: string; id: string };
  integration?: { id: string; status: string; leftInTsm?: { kind: string; state: string }[] };
  errors?: { pointer: string; code: string }[];
  [field: string]: unknown;
}

/** What one call sends besides the method and path. */
export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** The caller's key, sent as a bearer token. */
  callerKey: string;
  idempotencyKey?: string;
  /** Other headers, sent as given. */
  headers?: Record<string, string>;
}

/** Makes one call on a fresh connection and reads the whole answer. */
export async function callService(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: CallOptions,
): Promise<CallerAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.callerKey}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  const answer = await request(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    // A crash test restarts the service on another port; a pooled socket would outlive it.
    reset: true,
  });
  const text = await answer.body.text();
  return {
    status: answer.statusCode,
    headers: answer.headers,
    body: text === '' ? {} : (JSON.parse(text) as ProblemOrIntegration),
  };
}

/** The integration id an answer names: a 201's own id, or a problem's integration. */
export function integrationIdOf(answer: CallerAnswer): string | undefined {
  const { body } = answer;
  return (
    body.integration?.id ?? body.integrationId ?? (answer.status === 201 ? body.id : undefined)
  );
}
