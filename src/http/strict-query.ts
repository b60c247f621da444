/**
 * Routes that declare no query parameters refuse any: a parameter that is silently ignored can
 * change nothing the caller meant (DELETE ?dryRun=true would delete for real), so it is refused
 * as GET /vault-integrations refuses a misspelt filter, with the same UNKNOWN_FIELD entry.
 */
import type { FastifyInstance } from 'fastify';
import { problemResponses } from './schemas.js';

/** The querystring schema of a route that has no query parameters. */
const NO_QUERY_PARAMETERS = { type: 'object', properties: {}, additionalProperties: false };

/**
 * Gives every documented route without a querystring schema the empty one. Routes hidden from
 * the OpenAPI document (/openapi.json, the /docs browser and its files) are left as they are:
 * a browser may add a cache-busting query to them, and they change nothing.
 */
export function refuseUndeclaredQueryParameters(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as RouteSchema | undefined;
    if (schema === undefined || schema.hide === true || schema.querystring !== undefined) return;
    schema.querystring = NO_QUERY_PARAMETERS;
    // The OpenAPI document then says that such a route can answer 400 (/healthz did not).
    if (schema.response !== undefined) schema.response[400] ??= problemResponses(400)[400];
  });
}

/** The members of a route schema this hook reads and sets. */
interface RouteSchema {
  hide?: boolean;
  querystring?: unknown;
  response?: Record<number, unknown>;
}
