/**
 * CORS for portals that call the service from a browser: only the origins of CORS_ORIGINS get the
 * headers that let a browser read an answer, and none at all when it is unset. Credentials travel
 * in the Authorization header, never in cookies, so CORS is not told to allow credentials.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Registers CORS for the given origins; does nothing for an empty list. */
export async function registerBrowserOrigins(
  app: FastifyInstance,
  origins: readonly string[],
): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
