/**
 * The client's HTTP side: one base URL, one bearer credential, and one deadline for the whole
 * command. It knows requests and answers, not integrations; a failure to get any answer becomes
 * a ServiceUnreachableError, whose message never holds the credential.
 */
import { Agent, request } from 'undici';
import { UsageError } from './arguments.js';

/** An answer of the service, its body parsed when it is JSON. */
export interface ServiceAnswer {
  status: number;
  location: string | undefined;
  body: unknown;
}

/** No answer came: refused, reset, unresolvable, or the command's time ran out. */
export class ServiceUnreachableError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'ServiceUnreachableError';
  }
}

export interface ServiceClientOptions {
  baseUrl: string;
  /** Sent as Authorization: Bearer; undefined sends none. */
  credential: string | undefined;
  /** Longest the whole command may wait for the service. */
  timeoutMs: number;
}

/** A client of the service for one command. */
export interface ServiceClient {
  /** The base URL as it may be shown: without any user or password in it. */
  readonly shownUrl: string;
  /** Aborts when the command's time is up; pauses between polls listen to it too. */
  readonly signal: AbortSignal;
  send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ServiceAnswer>;
  close(): Promise<void>;
}

/** Makes the client; throws a UsageError when the URL cannot be one. */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const base = baseUrlOf(options.baseUrl);
  const shownUrl = withoutUserInfo(base);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const agent = new Agent();

  return {
    shownUrl,
    signal,
    async send(method, path, { body, headers = {} } = {}) {
      const sent: Record<string, string> = { accept: 'application/json', ...headers };
      if (options.credential !== undefined) sent.authorization = `Bearer ${options.credential}`;
      if (body !== undefined) sent['content-type'] = 'application/json';
      try {
        // Relative to the base, so that a service behind a path prefix is reached under it.
        const answer = await request(new URL(path.replace(/^\//, ''), base), {
          method,
          headers: sent,
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: agent,
          signal,
        });
        const text = await answer.body.text();
        const location = answer.headers.location;
        return {
          status: answer.statusCode,
          location: typeof location === 'string' ? location : undefined,
          body: parseJson(text),
        };
      } catch (error) {
        throw unreachable(error, shownUrl, signal, options.timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

function baseUrlOf(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      '--url (or VAULT_INTEGRATIONS_URL) must be a URL such as http://host:3000.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--url (or VAULT_INTEGRATIONS_URL) must start with http:// or https://.');
  }
  // Paths are resolved against it, so a base with a path prefix must end with a slash.
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function withoutUserInfo(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return shown.toString().replace(/\/$/, '');
}

function unreachable(
  error: unknown,
  shownUrl: string,
  signal: AbortSignal,
  timeoutMs: number,
): ServiceUnreachableError {
  if (signal.aborted) {
    return new ServiceUnreachableError(
      `The service at ${shownUrl} did not finish within ${timeoutMs / 1000} s (--timeout).`,
      true,
    );
  }
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : 'no answer';
  return new ServiceUnreachableError(
    `The service at ${shownUrl} could not be reached (${reason}); check --url or ` +
      'VAULT_INTEGRATIONS_URL and that the service runs.',
    false,
  );
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
