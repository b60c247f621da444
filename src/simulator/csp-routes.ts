/**
 * CSP's token exchange: a long-lived API token, sent as a form field, buys a short-lived access
 * token that TSM accepts in its csp-auth-token header.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokens } from './access-tokens.js';
import { errorBody, exchange, type Answer, type ExchangeContext } from './exchange.js';
import { CSP_AUTHORIZE_PATH, FORM_TYPE } from './journal.js';

/** What the CSP route needs besides the shared exchange context. */
export interface CspSettings {
  apiTokens: ReadonlySet<string>;
  accessTokens: AccessTokens;
  ttlSeconds: number;
}

/** Registers the token exchange. */
export function registerCspRoutes(
  app: FastifyInstance,
  context: ExchangeContext,
  settings: CspSettings,
): void {
  app.post(CSP_AUTHORIZE_PATH, async (request, reply) => {
    await exchange(context, request, reply, () => authorize(request, settings));
  });
}

function authorize(request: FastifyRequest, settings: CspSettings): Answer {
  if (!isForm(request.headers['content-type'])) {
    return { status: 415, body: errorBody(415, `Content-Type must be ${FORM_TYPE}`) };
  }

  const apiToken = submittedToken(request.body);
  if (apiToken === undefined || !settings.apiTokens.has(apiToken)) {
    return {
      status: 400,
      body: { ...errorBody(400, 'invalid_grant: Invalid refresh token'), error: 'invalid_grant' },
    };
  }

  return {
    status: 200,
    body: {
      access_token: settings.accessTokens.issue(),
      token_type: 'bearer',
      expires_in: settings.ttlSeconds,
      scope: 'openid ALL_PERMISSIONS',
      id_token: randomBytes(24).toString('base64url'),
      // CSP hands the API token back as the refresh token; a client must not log this answer.
      refresh_token: apiToken,
    },
  };
}

/** Parses a form body into its fields; repeated fields keep their last value. */
export function parseForm(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

function isForm(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().startsWith(FORM_TYPE) === true;
}

function submittedToken(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  const token = fields.refresh_token ?? fields.api_token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}
