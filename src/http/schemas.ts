/**
 * TypeBox schemas of the answers: they document the API in OpenAPI and let fastify serialize
 * them. They mirror the types of src/orchestration/integration.ts and src/storage/store.ts.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { RESOURCE_KINDS } from '../domain/resources.js';
import { PROBLEM_CONTENT_TYPE } from '../errors.js';
import { PROBLEM_EXAMPLES } from './examples.js';
import { INTEGRATION_STATUSES } from '../orchestration/integration.js';
import { PREFLIGHT_CHECKS, PREFLIGHT_CODES } from '../vault/preflight-report.js';

const literals = (values: readonly string[], description?: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    description === undefined ? {} : { description },
  );

const ResourceKind = literals(RESOURCE_KINDS, 'Which TSM resource.');

/** A validation error or warning, pointing into the request. */
export const FindingSchema = Type.Object(
  {
    pointer: Type.String({ description: 'JSON pointer into the request body.' }),
    code: Type.String({ description: 'Stable code; see the README for the list.' }),
    message: Type.String({ description: 'What is wrong and how to fix it.' }),
    in: Type.Optional(Type.String({ description: 'body (default), querystring or params.' })),
  },
  { $id: 'Finding' },
);

const Attempt = Type.Object({
  attempt: Type.Integer(),
  method: Type.Optional(
    Type.Literal('POST', { description: 'Only on a CSP token exchange made for the step.' }),
  ),
  path: Type.Optional(Type.String({ description: 'Only on a CSP token exchange.' })),
  status: Type.Optional(Type.Integer({ description: 'HTTP status TSM answered.' })),
  error: Type.Optional(Type.String({ description: 'Why no answer arrived.' })),
  startedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Number(),
});

const Step = Type.Object({
  name: literals(['read', 'write', 'compensate', 'delete']),
  kind: ResourceKind,
  method: literals(['GET', 'PUT', 'DELETE']),
  tsmPath: Type.String(),
  result: literals(['succeeded', 'failed']),
  startedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Number(),
  attempts: Type.Array(Attempt),
});

const Resource = Type.Object({
  kind: ResourceKind,
  id: Type.String(),
  tsmPath: Type.String({ examples: ['/tsm/v1alpha1/external-accounts/my-vault-account'] }),
  outcome: literals(
    ['pending', 'created', 'replaced', 'unchanged', 'referenced', 'failed', 'deleted', 'restored'],
    'What the integration did to the resource; deleted and restored are compensations.',
  ),
});

const Conflict = Type.Object({
  kind: ResourceKind,
  id: Type.String(),
  tsmPath: Type.String(),
  differingFields: Type.Array(Type.String(), { description: 'JSON pointers into the TSM body.' }),
});

const Failure = Type.Object({
  code: Type.String(),
  detail: Type.String(),
  kind: Type.Optional(ResourceKind),
  id: Type.Optional(Type.String()),
  tsmStatus: Type.Optional(Type.Integer()),
  tsmExcerpt: Type.Optional(Type.String({ description: "Start of TSM's error body." })),
  causeCode: Type.Optional(Type.String({ description: 'For ROLLBACK_FAILED: what failed first.' })),
  causeDetail: Type.Optional(Type.String({ description: 'For ROLLBACK_FAILED: its detail.' })),
  conflicts: Type.Optional(Type.Array(Conflict)),
});

const Leftover = Type.Object({
  kind: ResourceKind,
  id: Type.String(),
  tsmPath: Type.String(),
  state: literals(['created-not-deleted', 'replaced-not-restored', 'unverified', 'not-deleted']),
});

const PreflightCheckSchema = Type.Object({
  name: literals(PREFLIGHT_CHECKS, 'Which check: tls, health, pki_mount or issuing_ca.'),
  outcome: literals(
    ['passed', 'failed', 'not_run'],
    'not_run: the check could not run (e.g. Vault unreachable from here); never a mismatch.',
  ),
  code: literals(Object.keys(PREFLIGHT_CODES), 'Stable code of the finding; branch on it.'),
  detail: Type.String({
    description: 'What was found, naming certificates by subject and SHA-256.',
  }),
  durationMs: Type.Number(),
  facts: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'What the check saw: the presented chain, health flags, the issuing CA, ...',
    }),
  ),
});

/** What the Vault preflight found; also part of a preview. */
export const PreflightSchema = Type.Object(
  {
    mode: literals(['warn', 'require']),
    outcome: literals(
      ['passed', 'failed', 'incomplete'],
      'incomplete: none failed, but some could not run.',
    ),
    vaultUrl: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number(),
    checks: Type.Array(PreflightCheckSchema),
  },
  { description: 'The checks of the request against Vault itself, before TSM was called.' },
);

/** An integration as answered by POST and GET /vault-integrations. */
export const IntegrationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    status: literals(INTEGRATION_STATUSES),
    caLabel: Type.String({ description: 'CA label to onboard clusters with.' }),
    actor: Type.String(),
    requestId: Type.String(),
    onExisting: literals(['reject', 'replace']),
    resources: Type.Array(Resource),
    steps: Type.Array(Step),
    warnings: Type.Array(Type.Ref(FindingSchema)),
    failure: Type.Optional(Failure),
    leftInTsm: Type.Optional(Type.Array(Leftover, { description: 'What a failed rollback left.' })),
    deletion: Type.Optional(
      Type.Object(
        {
          actor: Type.String(),
          requestId: Type.String(),
          startedAt: Type.String({ format: 'date-time' }),
          finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { description: 'The DELETE that took the integration down.' },
      ),
    ),
    preflight: Type.Optional(PreflightSchema),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'Integration' },
);

/** Problem details (RFC 9457) with this service's extensions. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String({ description: 'Stable error code; branch on it.' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Ref(FindingSchema))),
    warnings: Type.Optional(Type.Array(Type.Ref(FindingSchema))),
    integration: Type.Optional(Type.Ref(IntegrationSchema)),
    failedChecks: Type.Optional(
      Type.Array(PreflightCheckSchema, {
        description: 'VAULT_PREFLIGHT_FAILED: each check that failed against Vault.',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** A stored audit record. */
export const AuditRecordSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    action: Type.String({ examples: ['tsm.call'] }),
    actor: Type.String(),
    requestId: Type.String(),
    integrationId: Type.Optional(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditRecord' },
);

/** Schemas every route may reference with Type.Ref, registered once with fastify. */
export const SHARED_SCHEMAS: TSchema[] = [
  FindingSchema,
  IntegrationSchema,
  ProblemSchema,
  AuditRecordSchema,
];

/** Named examples of one answer, as OpenAPI's Example objects. */
export type NamedExamples = Record<string, { summary: string; value: unknown }>;

/**
 * A response declared per media type: fastify serializes it with the schema, and @fastify/swagger
 * copies the media type object as it is, so the example reaches the OpenAPI document and /docs.
 */
export interface DocumentedResponse {
  description: string;
  content: Record<string, { schema: TSchema; example?: unknown; examples?: NamedExamples }>;
}

/**
 * A JSON answer with its example; `examples` when one answer has several telling shapes.
 * The OpenAPI test checks every example against its schema, so they cannot drift apart.
 */
export function jsonAnswer(
  description: string,
  schema: TSchema,
  example: { example: unknown } | { examples: NamedExamples },
  mediaType = 'application/json',
): DocumentedResponse {
  return { description, content: { [mediaType]: { schema, ...example } } };
}

/**
 * Problem answers a route documents, by status. They are declared under their media type, not
 * application/json, so that generated clients read them as what they are.
 */
export function problemResponses(...statuses: number[]): Record<number, DocumentedResponse> {
  const responses: Record<number, DocumentedResponse> = {};
  for (const status of statuses) {
    const example = PROBLEM_EXAMPLES[status];
    // A status without an example is a mistake in this file, found when the app is built.
    if (example === undefined) throw new Error(`No problem example for status ${status}.`);
    responses[status] = jsonAnswer(
      `Problem details (${status}).`,
      Type.Ref(ProblemSchema),
      { example },
      PROBLEM_CONTENT_TYPE,
    );
  }
  return responses;
}
