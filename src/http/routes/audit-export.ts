/**
 * GET /audit-records/export: the records GET /audit-records would select, oldest first, as JSON
 * lines for a SIEM, each with its place in the hash chain so the receiver can check the links.
 * Streamed a page at a time, so a long trail never sits in memory.
 */
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditFilter, ChainedAuditRecord, Store } from '../../storage/store.js';
import { AUDIT_EXPORT_EXAMPLE } from '../examples.js';
import { jsonAnswer, problemResponses } from '../schemas.js';
import { outOfRange } from '../query-errors.js';
import { AUDIT_FILTERS } from './audit-records.js';

/** The media type of the export: one JSON object per line. */
export const NDJSON = 'application/x-ndjson';

const EXPORT_PAGE = 500;

const ExportQuerySchema = Type.Object(AUDIT_FILTERS, { additionalProperties: false });

const ExportedRecordSchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    action: Type.String(),
    actor: Type.String(),
    requestId: Type.String(),
    integrationId: Type.Optional(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
    sequence: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Place in the hash chain; null on a row the service did not write.',
    }),
    previousHash: Type.Union([Type.String(), Type.Null()]),
    hash: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'One line of the export.' },
);

/** Registers the export route. */
export function registerAuditExportRoute(app: FastifyInstance, store: Store): void {
  app.get(
    '/audit-records/export',
    {
      config: { scope: 'audit:read' },
      schema: {
        summary: 'Export the audit trail as JSON lines',
        description:
          'The records GET /audit-records selects with the same filters, oldest first, one ' +
          `JSON object per line (${NDJSON}), each with its sequence, previousHash and hash.`,
        tags: ['audit'],
        querystring: ExportQuerySchema,
        response: {
          // The schema is of one line; the example is the text of a whole export.
          200: jsonAnswer(
            'JSON lines, streamed.',
            ExportedRecordSchema,
            { example: AUDIT_EXPORT_EXAMPLE },
            NDJSON,
          ),
          ...problemResponses(400, 401, 403, 500),
        },
      },
    },
    async (request, reply) => {
      const filter = request.query as Static<typeof ExportQuerySchema>;
      // The first page is read before the answer starts, so that a bound the store cannot use
      // is still answered 400 rather than cutting a stream short.
      let first: ChainedAuditRecord[];
      try {
        first = await store.exportAuditPage(filter, 0, EXPORT_PAGE);
      } catch (error) {
        if (error instanceof RangeError) throw outOfRange(error);
        throw error;
      }
      return reply.type(NDJSON).send(Readable.from(exportLines(store, filter, first)));
    },
  );
}

async function* exportLines(
  store: Store,
  filter: AuditFilter,
  first: ChainedAuditRecord[],
): AsyncGenerator<string> {
  let page = first;
  while (page.length > 0) {
    yield page.map((record) => `${JSON.stringify(record)}\n`).join('');
    const last = page.at(-1);
    if (last === undefined || page.length < EXPORT_PAGE) return;
    page = await store.exportAuditPage(filter, last.id, EXPORT_PAGE);
  }
}
