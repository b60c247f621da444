/**
 * The admin surface under /_sim/, so that a person or another process (the service run as a
 * child process) can drive the simulator the way a test does in-process.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  RESOURCE_COLLECTIONS,
  type FaultSpec,
  type ResourceJson,
  type Simulator,
} from './types.js';

/** The admin surface's path prefix; nothing under it is journaled or faulted. */
export const ADMIN_PREFIX = '/_sim/';

const FaultJson = Type.Object({
  method: Type.Optional(Type.String({ minLength: 1 })),
  path: Type.Optional(
    Type.Union([
      Type.String(),
      Type.Object({ regex: Type.String(), flags: Type.Optional(Type.String()) }),
    ]),
  ),
  count: Type.Optional(
    Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Literal('Infinity')]),
  ),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  retryAfter: Type.Optional(Type.String()),
  delayMs: Type.Optional(Type.Number({ minimum: 0 })),
  deliverLate: Type.Optional(Type.Boolean()),
  drop: Type.Optional(Type.Boolean()),
  applyFirst: Type.Optional(Type.Boolean()),
  body: Type.Optional(Type.Unknown()),
});

const ResourceParams = Type.Object({
  kind: Type.Union(RESOURCE_COLLECTIONS.map((collection) => Type.Literal(collection))),
  id: Type.String({ minLength: 1 }),
});

const ResourceBodyJson = Type.Record(Type.String(), Type.Unknown());

/** A fault as JSON carries it: a regular expression as {regex, flags}, Infinity as a string. */
export type FaultJson = Static<typeof FaultJson>;

/** The fault a JSON description stands for. */
export function faultFromJson(json: FaultJson): FaultSpec {
  const { path, count, ...rest } = json;
  const spec: FaultSpec = { ...rest };
  if (path !== undefined) {
    spec.path = typeof path === 'string' ? path : new RegExp(path.regex, path.flags);
  }
  if (count !== undefined) spec.count = count === 'Infinity' ? Infinity : count;
  return spec;
}

/** Registers the admin routes, each a thin call on the simulator's programmatic API. */
export function registerAdminRoutes(app: FastifyInstance, simulator: Simulator): void {
  app.post(`${ADMIN_PREFIX}faults`, (request, reply) =>
    injectFault(simulator, request.body, reply),
  );
  registerCommand(app, 'DELETE', 'faults', () => simulator.clearFaults());
  app.get(`${ADMIN_PREFIX}requests`, () => ({ requests: simulator.requests() }));
  registerCommand(app, 'DELETE', 'requests', () => simulator.clearRequests());
  registerResourceRoutes(app, simulator);
  registerCommand(app, 'POST', 'tokens/expire', () => simulator.expireAccessTokens());
  registerCommand(app, 'POST', 'reset', () => simulator.reset());
}

/** A route that does one thing and answers 204. */
function registerCommand(
  app: FastifyInstance,
  method: 'POST' | 'DELETE',
  path: string,
  action: () => void,
): void {
  app.route({
    method,
    url: `${ADMIN_PREFIX}${path}`,
    handler: async (_request, reply) => {
      action();
      return reply.code(204).send();
    },
  });
}

// Bodies are checked with TypeBox's Value rather than route schemas: compiling schemas costs tens
// of milliseconds per simulator, and tests start many simulators.
function injectFault(simulator: Simulator, body: unknown, reply: FastifyReply): FastifyReply {
  if (!Value.Check(FaultJson, body)) return refuse(reply, FaultJson, body);

  let fault: FaultSpec;
  try {
    fault = faultFromJson(body);
  } catch (error) {
    const message = `/path/regex: ${error instanceof Error ? error.message : 'invalid'}`;
    return reply.code(400).send({ code: 400, message });
  }
  simulator.injectFault(fault);
  return reply.code(201).send({ injected: true });
}

function registerResourceRoutes(app: FastifyInstance, simulator: Simulator): void {
  app.get(`${ADMIN_PREFIX}resources`, () => {
    const all: Record<string, Record<string, ResourceJson>> = {};
    for (const collection of RESOURCE_COLLECTIONS) {
      all[collection] = Object.fromEntries(simulator.resources(collection));
    }
    return all;
  });
  app.put(`${ADMIN_PREFIX}resources/:kind/:id`, async (request, reply) => {
    if (!Value.Check(ResourceParams, request.params)) {
      return refuse(reply, ResourceParams, request.params);
    }
    if (!Value.Check(ResourceBodyJson, request.body)) {
      return refuse(reply, ResourceBodyJson, request.body);
    }
    simulator.seed(request.params.kind, request.params.id, request.body);
    return reply.code(204).send();
  });
  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: `${ADMIN_PREFIX}in-use/:kind/:id`,
      handler: async (request, reply) => {
        if (!Value.Check(ResourceParams, request.params)) {
          return refuse(reply, ResourceParams, request.params);
        }
        simulator.markInUse(request.params.kind, request.params.id, method === 'PUT');
        return reply.code(204).send();
      },
    });
  }
}

function refuse(reply: FastifyReply, schema: TSchema, value: unknown): FastifyReply {
  const first = Value.Errors(schema, value).First();
  const where = first === undefined || first.path === '' ? 'body' : first.path;
  const message = `${where}: ${first?.message ?? 'invalid'}`;
  return reply.code(400).send({ code: 400, message });
}
