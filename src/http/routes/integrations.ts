/** POST /vault-integrations and GET /vault-integrations/{id}. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IntegrationRequest } from '../../domain/integration-request.js';
import { ApiError, ERRORS, type ErrorCode } from '../../errors.js';
import type { Integration } from '../../orchestration/integration.js';
import type { IntegrationService } from '../../orchestration/integration-service.js';
import { DOCUMENTATION_EXAMPLE } from '../examples.js';
import { IntegrationSchema, problemResponses } from '../schemas.js';

const IntegrationParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The integration id from POST or Location.' }),
});

/** Registers the integration routes. */
export function registerIntegrationRoutes(app: FastifyInstance, service: IntegrationService): void {
  app.post(
    '/vault-integrations',
    {
      schema: {
        summary: 'Create a Vault CA integration in TSM',
        description:
          "Validates and normalizes the request, then makes TSM's three calls in order with " +
          'retry. A step that fails for good is compensated: nothing is left half-done.',
        tags: ['integrations'],
        body: { ...IntegrationRequest, examples: [DOCUMENTATION_EXAMPLE] },
        response: {
          201: Type.Ref(IntegrationSchema, { description: 'Created: every resource is in TSM.' }),
          ...problemResponses(400, 401, 409, 413, 415, 422, 500, 502, 504),
        },
      },
      // The domain validator checks the body, so that structural and semantic errors are
      // reported together in one answer; fastify only reads the JSON.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (request, reply) => {
      const outcome = await service.create(request.body, {
        actor: request.actor,
        requestId: request.id,
        logger: request.log,
      });
      if (outcome.kind === 'invalid') {
        throw new ApiError('VALIDATION_FAILED', describeErrors(outcome.errors.length), {
          errors: outcome.errors,
          warnings: outcome.warnings,
        });
      }
      const { integration } = outcome;
      reply.header('location', `/vault-integrations/${integration.id}`);
      if (integration.status !== 'succeeded') throw failureOf(integration);
      return reply.code(201).send(integration);
    },
  );

  app.get(
    '/vault-integrations/:id',
    {
      schema: {
        summary: 'Read an integration',
        tags: ['integrations'],
        params: IntegrationParams,
        response: { 200: Type.Ref(IntegrationSchema), ...problemResponses(400, 401, 404, 500) },
      },
    },
    async (request) => {
      // Ids are issued in lower case; a UUID is the same id in upper case.
      const id = (request.params as { id: string }).id.toLowerCase();
      const integration = await service.get(id);
      if (integration === undefined) {
        throw new ApiError('NOT_FOUND', `No integration has the id ${id}.`);
      }
      return integration;
    },
  );
}

function describeErrors(count: number): string {
  return count === 1
    ? 'The request has one problem; see errors.'
    : `The request has ${count} problems; see errors.`;
}

/** The problem for an integration that did not succeed, carrying its stored state. */
function failureOf(integration: Integration): ApiError {
  const failure = integration.failure;
  const code: ErrorCode =
    failure !== undefined && failure.code in ERRORS
      ? (failure.code as ErrorCode)
      : 'INTERNAL_ERROR';
  const detail = failure?.detail ?? 'The integration did not succeed.';
  return new ApiError(code, detail, { integration });
}
