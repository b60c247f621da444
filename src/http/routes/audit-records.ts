/** GET /audit-records: the audit trail, filtered, newest first, a page at a time. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS, type AuditAction } from '../../domain/audit-actions.js';
import { InvalidCursorError, type Store } from '../../storage/store.js';
import { invalidCursor, outOfRange } from '../query-errors.js';
import { requireDecimalLimit } from '../page-size.js';
import { AUDIT_PAGE_EXAMPLE } from '../examples.js';
import { AuditRecordSchema, jsonAnswer, problemResponses } from '../schemas.js';
import { timeParameter } from '../time-parameter.js';

const DEFAULT_LIMIT = 50;

/** The filters of the query, shared with the export so both select the same records. */
export const AUDIT_FILTERS = {
  integrationId: Type.Optional(Type.String({ description: 'Only records of this integration.' })),
  actor: Type.Optional(Type.String({ description: 'Only records of this caller key name.' })),
  // An enum rather than a union of literals: one error listing the actions for an unknown one.
  action: Type.Optional(
    Type.Unsafe<AuditAction>(
      Type.String({ enum: [...AUDIT_ACTIONS], description: 'Only this action, e.g. tsm.call.' }),
    ),
  ),
  since: timeParameter('Only records at or after this time.'),
  until: timeParameter('Only records before this time.'),
};

const AuditQuerySchema = Type.Object(
  {
    ...AUDIT_FILTERS,
    // Optional for callers; the validator fills in the default before the handler runs.
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_LIMIT, description: 'Page size.' }),
    ),
    cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

const AuditPageSchema = Type.Object({
  records: Type.Array(Type.Ref(AuditRecordSchema), { description: 'Newest first.' }),
  nextCursor: Type.Optional(Type.String({ description: 'Pass as cursor for older records.' })),
});

/** Registers the audit query route. */
export function registerAuditRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/audit-records',
    {
      config: { scope: 'audit:read' },
      preValidation: requireDecimalLimit,
      schema: {
        summary: 'Query the audit trail',
        tags: ['audit'],
        querystring: AuditQuerySchema,
        response: {
          200: jsonAnswer('One page of audit records.', AuditPageSchema, {
            example: AUDIT_PAGE_EXAMPLE,
          }),
          ...problemResponses(400, 401, 403, 500),
        },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof AuditQuerySchema>;
      try {
        return await store.queryAudit({ ...query, limit: query.limit ?? DEFAULT_LIMIT });
      } catch (error) {
        if (error instanceof RangeError) throw outOfRange(error);
        if (!(error instanceof InvalidCursorError)) throw error;
        throw invalidCursor();
      }
    },
  );
}
