/**
 * Who is calling: every route outside the public ones needs `Authorization: Bearer <key>` with a
 * key from API_KEYS, and the key's name becomes the actor of every audit record of the request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey } from '../config.js';
import { ApiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key name, "anonymous" when auth is disabled, "unknown" before auth. */
    actor: string;
  }
}

/** Paths anyone may read: the API description and the probes. */
const PUBLIC_PATHS = ['/openapi.json', '/healthz', '/readyz', '/docs'];
const PUBLIC_PREFIXES = ['/docs/'];

export interface CallerAuthOptions {
  apiKeys: readonly ApiKey[];
  authDisabled: boolean;
  /** Paths the configuration opens beyond the public ones, e.g. /metrics. */
  openedPaths?: readonly string[];
}

/** Installs caller authentication on every non-public route. */
export function registerCallerAuth(app: FastifyInstance, options: CallerAuthOptions): void {
  // Keys are compared as digests: equal length for timingSafeEqual, and no early exit on length.
  const known = options.apiKeys.map(({ name, key }) => ({ name, digest: digest(key) }));
  app.decorateRequest('actor', 'unknown');

  const opened = options.openedPaths ?? [];
  app.addHook('onRequest', (request, _reply, done) => {
    if (isPublic(request, opened)) return done();
    if (options.authDisabled) {
      request.actor = 'anonymous';
      return done();
    }
    const presented = bearerToken(request);
    const caller = presented === undefined ? undefined : findCaller(known, digest(presented));
    if (caller === undefined) return done(unauthorized(presented === undefined));
    request.actor = caller;
    done();
  });
}

function unauthorized(missing: boolean): ApiError {
  return new ApiError(
    'UNAUTHORIZED',
    missing
      ? 'Send your caller key as Authorization: Bearer <key>.'
      : 'The caller key is not known; check it or ask for one.',
  );
}

function isPublic(request: FastifyRequest, opened: readonly string[]): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (opened.includes(path)) return true;
  return PUBLIC_PATHS.includes(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function findCaller(
  known: { name: string; digest: Buffer }[],
  presented: Buffer,
): string | undefined {
  let caller: string | undefined;
  for (const candidate of known) {
    if (timingSafeEqual(candidate.digest, presented) && caller === undefined)
      caller = candidate.name;
  }
  return caller;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
