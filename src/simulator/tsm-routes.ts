/**
 * TSM's three resources, each with PUT (create or replace), GET and DELETE on its own path, behind
 * the csp-auth-token header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokens } from './access-tokens.js';
import { errorBody, exchange, type Answer, type ExchangeContext } from './exchange.js';
import type { ResourceStore } from './resource-store.js';
import { RESOURCE_COLLECTIONS, type ResourceCollection, type ResourceJson } from './types.js';
import { findProblems } from './validation.js';

/** Where each collection lives on TSM. */
export const COLLECTION_PATHS: Record<ResourceCollection, string> = {
  certificates: '/tsm/v1alpha2/projects/default/certificates',
  'external-accounts': '/tsm/v1alpha1/external-accounts',
  'certificate-authorities': '/tsm/v1alpha2/projects/default/certificate-authorities',
};

/** What the TSM routes need besides the shared exchange context. */
export interface TsmSettings {
  store: ResourceStore;
  accessTokens: AccessTokens;
  expiredTokenStatus: 401 | 403;
  latencyMs: number;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type Operation = (collection: ResourceCollection, request: IdRequest) => Answer;

/** Registers GET, PUT and DELETE for the three collections. */
export function registerTsmRoutes(
  app: FastifyInstance,
  context: ExchangeContext,
  settings: TsmSettings,
): void {
  const operations: Record<'GET' | 'PUT' | 'DELETE', Operation> = {
    GET: (collection, request) => read(settings.store, collection, request.params.id),
    PUT: (collection, request) =>
      write(settings.store, collection, request.params.id, request.body),
    DELETE: (collection, request) => remove(settings.store, collection, request.params.id),
  };

  for (const collection of RESOURCE_COLLECTIONS) {
    for (const [method, operation] of Object.entries(operations)) {
      app.route<{ Params: { id: string } }>({
        method,
        url: `${COLLECTION_PATHS[collection]}/:id`,
        handler: async (request, reply) => {
          const authorized = () =>
            authenticate(request, settings) ?? operation(collection, request);
          await exchange(context, request, reply, authorized, settings.latencyMs);
        },
      });
    }
  }
}

function authenticate(request: FastifyRequest, settings: TsmSettings): Answer | undefined {
  const token = request.headers['csp-auth-token'];
  if (typeof token === 'string' && settings.accessTokens.isLive(token)) return undefined;

  const status = settings.expiredTokenStatus;
  return { status, body: errorBody(status, 'The access token is missing, unknown or expired') };
}

function read(store: ResourceStore, collection: ResourceCollection, id: string): Answer {
  const resource = store.view(collection, id);
  return resource === undefined ? notFound(collection, id) : { status: 200, body: resource };
}

function write(
  store: ResourceStore,
  collection: ResourceCollection,
  id: string,
  body: unknown,
): Answer {
  const problems = findProblems(collection, body, store);
  if (problems.length > 0) return { status: 400, body: errorBody(400, problems.join('; ')) };

  const outcome = store.put(collection, id, body as ResourceJson);
  return { status: outcome === 'created' ? 201 : 200, body: store.view(collection, id) };
}

function remove(store: ResourceStore, collection: ResourceCollection, id: string): Answer {
  if (!store.has(collection, id)) return notFound(collection, id);

  const referrers = store.referrers(collection, id);
  if (referrers.length > 0) {
    const message = `${collection}/${id} is still referenced by ${referrers.join(', ')}`;
    return { status: 409, body: errorBody(409, message) };
  }
  store.remove(collection, id);
  return { status: 200, body: {} };
}

function notFound(collection: ResourceCollection, id: string): Answer {
  return { status: 404, body: errorBody(404, `${collection}/${id} not found`) };
}
