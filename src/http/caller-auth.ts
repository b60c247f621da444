/**
 * Who is calling, and whether they may. Every route outside the public ones needs
 * `Authorization: Bearer <credential>`: a JWT of the identity provider (three base64url parts
 * joined by dots) or otherwise a caller key. The caller's name becomes the actor of every audit
 * record of the request; the route's declared scope must be among the caller's scopes.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { JWT_SHAPE, type ApiKey, type JwtSettings } from '../caller-settings.js';
import { ApiError } from '../errors.js';
import { createApiKeyTable } from './auth/api-key-table.js';
import { createTokenVerifier, type Caller, type TokenVerifier } from './auth/jwt-verifier.js';
import { SCOPES } from './auth/scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key name or "jwt:<sub>"; "anonymous" when auth is disabled, "unknown" before auth. */
    actor: string;
  }
}

/** Paths anyone may read: the API description and the probes. */
const PUBLIC_PATHS = ['/openapi.json', '/healthz', '/readyz', '/docs'];
const PUBLIC_PREFIXES = ['/docs/'];

export interface CallerAuthOptions {
  apiKeys: readonly ApiKey[];
  jwt: JwtSettings | undefined;
  authDisabled: boolean;
  /** Paths the configuration opens beyond the public ones, e.g. /metrics. */
  openedPaths?: readonly string[];
}

/** Installs caller authentication and the scope check on every non-public route. */
export function registerCallerAuth(app: FastifyInstance, options: CallerAuthOptions): void {
  const identify = callerIdentifier(options);
  app.decorateRequest('actor', 'unknown');
  app.addHook('onRoute', requireDeclaredScope);

  const opened = options.openedPaths ?? [];
  app.addHook('onRequest', async (request) => {
    // A CORS preflight carries no credentials by design; it reaches no handler either.
    if (isPublic(request, opened) || request.method === 'OPTIONS') return;
    const caller = options.authDisabled
      ? { actor: 'anonymous', scopes: [...SCOPES] }
      : await identify(request);
    request.actor = caller.actor;
    const needed = request.routeOptions.config.scope;
    if (needed !== undefined && !caller.scopes.includes(needed)) {
      request.log.info({ actor: caller.actor, scope: needed }, 'caller lacks scope');
      throw new ApiError('INSUFFICIENT_SCOPE', `This call needs the scope ${needed}.`, {
        requiredScope: needed,
      });
    }
  });
}

/**
 * Refuses to register a route that is neither public nor declares its scope: a route forgotten
 * here would be open to every caller, so it fails at start-up instead.
 */
function requireDeclaredScope(route: RouteOptions): void {
  const methods = [route.method].flat();
  if (methods.every((method) => method === 'OPTIONS') || isPublicPath(route.url)) return;
  if (route.config?.scope === undefined) {
    throw new Error(`The route ${methods.join(',')} ${route.url} declares no config.scope.`);
  }
}

function callerIdentifier(options: CallerAuthOptions) {
  const findKey = createApiKeyTable(options.apiKeys);
  const verifyToken = options.jwt === undefined ? undefined : createTokenVerifier(options.jwt);
  return async (request: FastifyRequest): Promise<Caller> => {
    // Node keeps the first of repeated Authorization headers; a proxy may have used another.
    if (authorizationHeaderCount(request) > 1) {
      throw unauthorized('Send one Authorization header; this request has several.');
    }
    const presented = bearerCredential(request);
    if (presented === undefined) {
      throw unauthorized('Send a caller key or a token as Authorization: Bearer <credential>.');
    }
    if (JWT_SHAPE.test(presented)) return tokenCaller(request, presented, verifyToken);
    const caller = findKey(presented);
    if (caller === undefined)
      throw unauthorized('The caller key is not known; check it or ask for one.');
    return caller;
  };
}

async function tokenCaller(
  request: FastifyRequest,
  token: string,
  verify: TokenVerifier | undefined,
): Promise<Caller> {
  if (verify === undefined) {
    throw unauthorized('This service takes no JWTs (JWT_JWKS_URL is unset); send a caller key.');
  }
  const check = await verify(token);
  if (check.kind === 'accepted') return check.caller;
  if (check.kind === 'refused') {
    request.log.info({ reason: check.reason }, 'token refused');
    throw unauthorized(check.detail);
  }
  request.log.warn('identity provider keys unavailable');
  throw new ApiError(
    'SERVICE_UNAVAILABLE',
    "The identity provider's keys could not be fetched to check the token; try again later.",
  );
}

function unauthorized(detail: string): ApiError {
  return new ApiError('UNAUTHORIZED', detail);
}

function isPublic(request: FastifyRequest, opened: readonly string[]): boolean {
  const path = request.url.split('?')[0] ?? '';
  return opened.includes(path) || isPublicPath(path);
}

function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.includes(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

function authorizationHeaderCount(request: FastifyRequest): number {
  const names = request.raw.rawHeaders.filter((_value, index) => index % 2 === 0);
  return names.filter((name) => name.toLowerCase() === 'authorization').length;
}

function bearerCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
