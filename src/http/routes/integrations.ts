/** POST, GET and DELETE on /vault-integrations and /vault-integrations/{id}. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IntegrationRequest } from '../../domain/integration-request.js';
import { ApiError } from '../../errors.js';
import { INTEGRATION_STATUSES } from '../../orchestration/integration.js';
import type { IntegrationService } from '../../orchestration/integration-service.js';
import { InvalidCursorError } from '../../storage/store.js';
import {
  ACCEPTED_INTEGRATION_EXAMPLE,
  DELETED_INTEGRATION_EXAMPLE,
  DELETING_INTEGRATION_EXAMPLE,
  DOCUMENTATION_EXAMPLE,
  INTEGRATION_EXAMPLE,
  INTEGRATION_PAGE_EXAMPLE,
  PREVIEW_EXAMPLE,
} from '../examples.js';
import { respondAsyncOf } from '../async-preference.js';
import { answerDelete } from '../deletion-answers.js';
import { answerCreate, idempotencyKeyOf } from '../integration-answers.js';
import { answerPreview, isDryRun } from '../preview-answers.js';
import { PreviewSchema } from '../preview-schema.js';
import { invalidCursor, outOfRange } from '../query-errors.js';
import { requireDecimalLimit } from '../page-size.js';
import { IntegrationSchema, jsonAnswer, problemResponses } from '../schemas.js';
import { timeParameter } from '../time-parameter.js';

const DEFAULT_LIMIT = 50;

const CreateHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Makes the call safe to retry: the same key with the same request replays the first ' +
        'answer (Idempotent-Replayed: true) without calling TSM; with another request it is ' +
        'refused (422). Keys belong to their caller and are remembered for IDEMPOTENCY_KEY_TTL_MS.',
    }),
  ),
  prefer: Type.Optional(
    Type.String({
      description:
        'respond-async: answer 202 with Location as soon as the integration is stored; it runs ' +
        'on, and GET on Location shows its steps as they happen.',
      examples: ['respond-async'],
    }),
  ),
  'x-callback-url': Type.Optional(
    Type.String({
      description:
        'Only with Prefer: respond-async. Notified once when the integration ends (POST of the ' +
        'integration as JSON, retried while failing); must lie under CALLBACK_URL_ALLOWLIST.',
      examples: ['https://hooks.example.com/tsm/CHG-4711'],
    }),
  ),
});

// Documentation only: isDryRun checks the query, since the route's validator passes all through.
const CreateQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({
        description:
          'true: validate, read TSM and answer the plan (200) without changing anything in TSM ' +
          'and without storing an integration. Audited as integration.previewed. Exactly true ' +
          'or false; any other value, or any other parameter, is refused (400).',
      }),
    ),
  },
  { additionalProperties: false },
);

// RFC 3339: a full date-time with Z or an offset, so that no host's time zone is assumed.
const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        INTEGRATION_STATUSES.map((status) => Type.Literal(status)),
        { description: 'Only integrations in this status, e.g. rollback_failed.' },
      ),
    ),
    caLabel: Type.Optional(
      Type.String({
        description: 'Only integrations of this CA label.',
        examples: ['my-ca-label'],
      }),
    ),
    actor: Type.Optional(
      Type.String({ description: 'Only integrations this caller key name started.' }),
    ),
    createdAfter: timeParameter('Only integrations created at or after this time.'),
    createdBefore: timeParameter('Only integrations created before this time.'),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_LIMIT, description: 'Page size.' }),
    ),
    cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

const IntegrationPageSchema = Type.Object({
  integrations: Type.Array(Type.Ref(IntegrationSchema), { description: 'Newest first.' }),
  nextCursor: Type.Optional(Type.String({ description: 'Pass as cursor for older ones.' })),
});

const IntegrationParams = Type.Object({
  // Any text: an id that names no integration is not found, whatever its form.
  id: Type.String({ description: 'The integration id from POST or Location.' }),
});

/** Registers the integration routes. */
export function registerIntegrationRoutes(
  app: FastifyInstance,
  service: IntegrationService,
  options: { callbackAllowlist: URL[] },
): void {
  app.post(
    '/vault-integrations',
    {
      config: { scope: 'integrations:write' },
      schema: {
        summary: 'Create a Vault CA integration in TSM',
        description:
          "Validates and normalizes the request, then makes TSM's three calls in order with " +
          'retry. A step that fails for good is compensated: nothing is left half-done. With ' +
          'dryRun=true it only reads TSM and answers the plan per resource.',
        tags: ['integrations'],
        headers: CreateHeaders,
        querystring: CreateQuery,
        body: { ...IntegrationRequest, examples: [DOCUMENTATION_EXAMPLE] },
        response: {
          200: jsonAnswer('dryRun=true: the plan; nothing was changed or stored.', PreviewSchema, {
            example: PREVIEW_EXAMPLE,
          }),
          201: jsonAnswer('Created: every resource is in TSM.', Type.Ref(IntegrationSchema), {
            example: INTEGRATION_EXAMPLE,
          }),
          202: jsonAnswer(
            'Prefer: respond-async: stored and running on; follow Location for its progress.',
            Type.Ref(IntegrationSchema),
            { example: ACCEPTED_INTEGRATION_EXAMPLE },
          ),
          ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429, 500, 502, 503, 504),
        },
      },
      // The domain validator checks the body, so that structural and semantic errors are
      // reported together in one answer; fastify only reads the JSON (isDryRun checks the query).
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (request, reply) => {
      const context = { actor: request.actor, requestId: request.id, logger: request.log };
      const dryRun = isDryRun(request.query);
      // Checked for a preview too: it must refuse what the real call would refuse. A valid
      // preference changes nothing in a preview, which always answers its plan at once.
      const respondAsync = respondAsyncOf(request.headers, options.callbackAllowlist);
      if (dryRun) return answerPreview(await service.preview(request.body, context));
      const outcome = await service.create(request.body, {
        ...context,
        idempotencyKey: idempotencyKeyOf(request.headers['idempotency-key']),
        respondAsync,
      });
      return answerCreate(outcome, reply);
    },
  );

  app.get(
    '/vault-integrations/:id',
    {
      config: { scope: 'integrations:read' },
      schema: {
        summary: 'Read an integration',
        tags: ['integrations'],
        params: IntegrationParams,
        response: {
          200: jsonAnswer('The integration as stored now.', Type.Ref(IntegrationSchema), {
            example: INTEGRATION_EXAMPLE,
          }),
          ...problemResponses(400, 401, 403, 404, 500),
        },
      },
    },
    async (request) => {
      // Ids are issued in lower case; a UUID is the same id in upper case. The answer still
      // names the id as the caller sent it (README, Secrets: answers echo input as sent).
      const sentId = (request.params as { id: string }).id;
      const integration = await service.get(sentId.toLowerCase());
      if (integration === undefined) {
        throw new ApiError('NOT_FOUND', `No integration has the id ${sentId}.`);
      }
      return integration;
    },
  );

  app.delete(
    '/vault-integrations/:id',
    {
      config: { scope: 'integrations:write' },
      schema: {
        summary: 'Delete an integration from TSM',
        description:
          'Deletes what the integration wrote, newest first: CA configuration, external account, ' +
          'CA bundle. What it found unchanged or only referenced stays; a resource it replaced ' +
          "is deleted, since it holds the integration's content. Only a succeeded integration " +
          '(or a delete_failed one, to go on) can be deleted; deleting a deleted one answers it ' +
          'again. TSM refusing to delete a CA configuration in use answers 409 CA_LABEL_IN_USE ' +
          'and changes nothing.',
        tags: ['integrations'],
        params: IntegrationParams,
        response: {
          200: jsonAnswer('Deleted (now or before).', Type.Ref(IntegrationSchema), {
            example: DELETED_INTEGRATION_EXAMPLE,
          }),
          202: jsonAnswer(
            'The service is stopping; recovery finishes the deletion.',
            Type.Ref(IntegrationSchema),
            { example: DELETING_INTEGRATION_EXAMPLE },
          ),
          ...problemResponses(400, 401, 403, 404, 409, 429, 500, 502),
        },
      },
    },
    async (request, reply) => {
      const sentId = (request.params as { id: string }).id;
      const outcome = await service.remove(sentId.toLowerCase(), {
        actor: request.actor,
        requestId: request.id,
        logger: request.log,
      });
      return answerDelete(outcome, sentId, reply);
    },
  );

  app.get(
    '/vault-integrations',
    {
      config: { scope: 'integrations:read' },
      preValidation: requireDecimalLimit,
      schema: {
        summary: 'List integrations, newest first',
        description:
          'Filter by status (e.g. rollback_failed for the ones recovery is retrying), CA label, ' +
          'actor and creation time; filters combine. Pages follow nextCursor and stay exact ' +
          'while new integrations arrive: those appear on a new first page, never on a later one.',
        tags: ['integrations'],
        querystring: ListQuery,
        response: {
          200: jsonAnswer('One page of integrations.', IntegrationPageSchema, {
            example: INTEGRATION_PAGE_EXAMPLE,
          }),
          ...problemResponses(400, 401, 403, 500),
        },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      try {
        return await service.list({ ...query, limit: query.limit ?? DEFAULT_LIMIT });
      } catch (error) {
        if (error instanceof RangeError) throw outOfRange(error);
        if (!(error instanceof InvalidCursorError)) throw error;
        throw invalidCursor();
      }
    },
  );
}
