/**
 * Per-caller limits on writes: the routes that need integrations:write count against their
 * caller's allowance of RATE_LIMIT_PER_MINUTE, keyed by the actor (so a caller's many addresses
 * share one allowance, and callers behind one proxy do not share theirs). Reads are not limited.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';

const ONE_MINUTE_MS = 60_000;

/** Registers the limiter; call it after caller auth (it needs the actor) and before the routes. */
export async function registerWriteRateLimit(
  app: FastifyInstance,
  perMinute: number,
): Promise<void> {
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: ONE_MINUTE_MS,
    keyGenerator: (request) => request.actor,
    allowList: (request) => request.routeOptions.config.scope !== 'integrations:write',
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'RATE_LIMITED',
        `This caller made ${context.max} writes within a minute; ` +
          `retry after ${Math.ceil(context.ttl / 1000)} seconds (Retry-After).`,
      ),
  });
}
