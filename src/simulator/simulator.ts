/**
 * Starts the TSM simulator: TSM's three resources and CSP's token exchange on one loopback URL,
 * with fault injection and a request journal, for tests, the demo and load tests.
 */
import { setMaxListeners } from 'node:events';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { AccessTokens } from './access-tokens.js';
import { ADMIN_PREFIX, registerAdminRoutes } from './admin-routes.js';
import { Arrivals } from './arrivals.js';
import { parseForm, registerCspRoutes } from './csp-routes.js';
import { errorBody, type ExchangeContext } from './exchange.js';
import { FaultBook } from './faults.js';
import { describeRequest, RequestJournal } from './journal.js';
import { ResourceStore } from './resource-store.js';
import { registerTsmRoutes } from './tsm-routes.js';
import type { Simulator, SimulatorOptions } from './types.js';

/** The API token CSP accepts when no other is configured. */
export const DEFAULT_API_TOKEN = 'sim-api-token';

/** Starts a simulator listening on `host`:`port` (127.0.0.1, any free port by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  const shutdown = new AbortController();
  // Every request held by a delay listens for the close; a load test holds hundreds at once.
  setMaxListeners(0, shutdown.signal);
  const context: ExchangeContext = {
    faults: new FaultBook(),
    journal: new RequestJournal(options.journalLimit ?? 10_000),
    arrivals: new Arrivals(),
    closing: shutdown.signal,
  };
  const store = new ResourceStore();
  const ttlSeconds = options.accessTokenTtlSeconds ?? 1799;
  const accessTokens = new AccessTokens(ttlSeconds);

  const simulator: Simulator = {
    url: '',
    injectFault: (fault) => context.faults.inject(fault),
    clearFaults: () => context.faults.clear(),
    requests: () => context.journal.list(),
    clearRequests: () => context.journal.clear(),
    resource: (kind, id) => store.body(kind, id),
    resources: (kind) => store.list(kind),
    seed: (kind, id, body) => void store.put(kind, id, body),
    markInUse: (kind, id, inUse = true) => store.markInUse(kind, id, inUse),
    onArrival: (listener) => context.arrivals.listen(listener),
    expireAccessTokens: () => accessTokens.expireAll(),
    reset: () => {
      store.clear();
      context.faults.clear();
      context.journal.clear();
      accessTokens.expireAll();
    },
    close: async () => {
      shutdown.abort();
      await app.close();
    },
  };

  prepare(app, context);
  registerCspRoutes(app, context, {
    apiTokens: new Set(options.apiTokens ?? [DEFAULT_API_TOKEN]),
    accessTokens,
    ttlSeconds,
  });
  registerTsmRoutes(app, context, {
    store,
    accessTokens,
    expiredTokenStatus: options.expiredTokenStatus ?? 401,
    latencyMs: options.latencyMs ?? 0,
  });
  registerAdminRoutes(app, simulator);

  simulator.url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return simulator;
}

/** Body parsing, error answers and journaling shared by every route. */
function prepare(app: FastifyInstance, context: ExchangeContext): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    // An empty body with a JSON content type (a DELETE from a client that always sets it) is no
    // body, not malformed JSON.
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(Object.assign(new Error('The body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, text, done) => done(null, parseForm(text as string)),
  );

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    return reply.code(status).send(errorBody(status, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody(404, `No route for ${request.method} ${request.url}`));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(ADMIN_PREFIX)) {
      context.journal.record(describeRequest(request, reply, reply.statusCode));
    }
    return payload;
  });
}
