/**
 * Builds the HTTP service from its parts: the configuration, a store and a TSM client. Nothing
 * here listens or opens connections, so tests build the same app the server runs.
 */
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Config } from './config.js';
import { registerCallerAuth } from './http/caller-auth.js';
import { registerOpenApi } from './http/openapi.js';
import { registerProblemHandlers } from './http/problem.js';
import { registerAuditRoutes } from './http/routes/audit-records.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { registerIntegrationRoutes } from './http/routes/integrations.js';
import { SHARED_SCHEMAS } from './http/schemas.js';
import { createIntegrationService } from './orchestration/integration-service.js';
import type { Store } from './storage/store.js';
import type { TsmClient } from './tsm/types.js';
import { SERVICE_VERSION } from './version.js';

export interface AppParts {
  config: Config;
  store: Store;
  tsm: TsmClient;
  logger: FastifyBaseLogger;
  now?: () => Date;
}

/** Request ids a caller may choose: short and printable, so they are safe in logs and headers. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths that are not audited: probes and the API description, polled often and harmless. */
const UNAUDITED = /^\/(healthz|readyz|openapi\.json|docs)(\/|$|\?)/;

/** Builds the fastify app with every route, ready to listen or to inject into. */
export async function buildApp(parts: AppParts): Promise<FastifyInstance> {
  const { config, store, tsm, logger } = parts;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    // A misspelt query parameter is refused, not dropped: a filter that is silently ignored
    // answers with records the caller did not ask for. Every fault is reported, not the first.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
  });
  // Only JSON bodies: a text/plain body is a 415, not a string for the validator to puzzle over.
  app.removeContentTypeParser(['text/plain']);

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  registerProblemHandlers(app);
  await registerOpenApi(app, SERVICE_VERSION);
  // Before caller auth: its hook ends a refused request, and a 401 must still carry the id.
  registerRequestAudit(app, store);
  registerCallerAuth(app, { apiKeys: config.apiKeys, authDisabled: config.authDisabled });

  const service = createIntegrationService({
    tsm,
    store,
    now: parts.now ?? (() => new Date()),
    newId: randomUUID,
    deadlineMs: config.integrationDeadlineMs,
    allowHttpVault: config.allowHttpVault,
  });
  registerIntegrationRoutes(app, service);
  registerAuditRoutes(app, store);
  registerHealthRoutes(app, store);
  return app;
}

function requestIdOf(request: { headers: FastifyRequest['headers'] }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Echoes the request id, and appends one audit record per request once it is answered. */
function registerRequestAudit(app: FastifyInstance, store: Store): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (UNAUDITED.test(request.url)) return;
    try {
      await store.appendAudit([
        {
          action: 'http.request',
          actor: request.actor,
          requestId: request.id,
          details: {
            method: request.method,
            path: request.url.split('?')[0],
            route: request.routeOptions.url ?? null,
            status: reply.statusCode,
            durationMs: Math.round(reply.elapsedTime),
          },
        },
      ]);
    } catch (error) {
      request.log.error({ err: error }, 'audit record not written');
    }
  });
}
