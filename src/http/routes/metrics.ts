/**
 * GET /metrics: the registry of this app in Prometheus' text format. It needs metrics:read unless
 * METRICS_PUBLIC opens it; either way it holds counts and durations only, never an id or a secret.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { problemResponses } from '../schemas.js';

const EXAMPLE = [
  '# HELP tsm_vault_integrations_total Integrations that reached a terminal status, ...',
  '# TYPE tsm_vault_integrations_total counter',
  'tsm_vault_integrations_total{origin="live",outcome="succeeded"} 12',
  '',
].join('\n');

/** Registers /metrics; `open` leaves out the caller key, as the configuration asks. */
export function registerMetricsRoute(
  app: FastifyInstance,
  registry: Registry,
  open: boolean,
): void {
  app.get(
    '/metrics',
    {
      // Declared even when open: caller auth then skips the path, as the configuration asks.
      config: { scope: 'metrics:read' },
      schema: {
        summary: 'Prometheus metrics',
        description:
          'Integrations and deletions by outcome, TSM attempt durations, retries, rollbacks, recovery sweeps, ' +
          'idempotent answers, CSP token exchanges and process metrics. Needs the scope ' +
          'metrics:read unless METRICS_PUBLIC=true.',
        tags: ['health'],
        ...(open ? { security: [] } : {}),
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4.',
            content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
          },
          ...(open ? {} : problemResponses(401, 403)),
        },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}
