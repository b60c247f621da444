/**
 * Probes for orchestrators: /healthz (the process is up) and /readyz (the database answers and a
 * TSM access token can be had: without either, every integration would fail).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import type { Store } from '../../storage/store.js';
import type { TsmClient } from '../../tsm/types.js';
import { HEALTHY_EXAMPLE, READY_EXAMPLE } from '../examples.js';
import { jsonAnswer, problemResponses } from '../schemas.js';

const Status = (value: string) => Type.Object({ status: Type.Literal(value) });

/**
 * How long /readyz waits for the database. A network that drops packets without closing the
 * connection would otherwise leave the probe hanging instead of failing.
 */
const PING_TIMEOUT_MS = 2_000;

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Registers the health probes; they need no credentials. */
export function registerHealthRoutes(app: FastifyInstance, store: Store, tsm: TsmClient): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        tags: ['health'],
        security: [],
        response: {
          200: jsonAnswer('The process is up.', Status('ok'), { example: HEALTHY_EXAMPLE }),
        },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the database answers and a TSM access token can be had',
        description:
          'The access token check is reused for READYZ_TOKEN_CHECK_MS, so probes do ' +
          'not each reach CSP; a token still valid answers without CSP at all.',
        tags: ['health'],
        security: [],
        response: {
          200: jsonAnswer('Ready to take integrations.', Status('ready'), {
            example: READY_EXAMPLE,
          }),
          ...problemResponses(503),
        },
      },
    },
    async (request) => {
      try {
        await withinMs(store.ping(), PING_TIMEOUT_MS);
      } catch (error) {
        request.log.error({ err: error }, 'database unreachable');
        throw new ApiError('SERVICE_UNAVAILABLE', 'The database does not answer.');
      }
      const token = await tsm.checkAccessToken();
      if (!token.ok) {
        throw new ApiError('SERVICE_UNAVAILABLE', `No TSM access token: ${token.reason}.`);
      }
      return { status: 'ready' as const };
    },
  );
}
