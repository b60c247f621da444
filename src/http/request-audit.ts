/**
 * One audit record per answered request, and the request id on every answer. The path is stored
 * as the caller wrote it, but bounded and scrubbed (see request-path.ts): a caller can put
 * anything in a URL, including a secret pasted by mistake, and the audit trail is append-only.
 */
import type { AuditAction } from '../domain/audit-actions.js';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../storage/store.js';
import { auditedPath } from './request-path.js';

/**
 * Paths that are not audited: probes, scrapes and the API description, polled often and harmless
 * (a scraper every 15 s would otherwise write most of the trail).
 */
const UNAUDITED = /^\/(healthz|readyz|metrics|openapi\.json|docs)(\/|$|\?)/;

/** Echoes the request id, and appends one audit record per request once it is answered. */
export function registerRequestAudit(
  app: FastifyInstance,
  store: Store,
  secrets: readonly string[],
): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (UNAUDITED.test(request.url)) return;
    try {
      await store.appendAudit([
        {
          action: 'http.request' satisfies AuditAction,
          actor: request.actor,
          requestId: request.id,
          details: {
            method: request.method,
            path: auditedPath(request, secrets),
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
