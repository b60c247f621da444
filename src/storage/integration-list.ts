/**
 * The integration list: newest first by (created_at, id), with keyset pagination on that pair so
 * that integrations started meanwhile never shift a page. The filters narrow the rows; the cursor
 * is a position in that order, so it stays valid whatever else arrives.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { toStoredBound } from './audit-bounds.js';
import { parseIntegration } from './integration-rows.js';
import { decodeIntegrationCursor, encodeIntegrationCursor } from './integration-cursor.js';
import { checkPageLimit } from './page-limit.js';
import type { Database } from './schema.js';
import type { IntegrationListQuery, IntegrationPage } from './store.js';

/** One page of the integrations the query selects, newest first. */
export async function selectIntegrationPage(
  db: Kysely<Database>,
  query: IntegrationListQuery,
): Promise<IntegrationPage> {
  checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeIntegrationCursor(query.cursor);

  let select = filtered(db.selectFrom('integrations').select('document'), query);
  if (after !== undefined) {
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }

  // One row beyond the page says whether another page exists without a count.
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const integrations = rows.slice(0, query.limit).map((row) => parseIntegration(row.document));
  const last = integrations.at(-1);
  if (rows.length <= query.limit || last === undefined) return { integrations };
  return { integrations, nextCursor: encodeIntegrationCursor(last) };
}

type IntegrationSelect = SelectQueryBuilder<Database, 'integrations', { document: string }>;

/** The query's filters; a malformed time bound is a RangeError naming its parameter. */
function filtered(select: IntegrationSelect, query: IntegrationListQuery): IntegrationSelect {
  const { status, caLabel, actor, createdAfter, createdBefore } = query;
  let narrowed = select;
  if (status !== undefined) narrowed = narrowed.where('status', '=', status);
  if (caLabel !== undefined) narrowed = narrowed.where('ca_label', '=', caLabel);
  if (actor !== undefined) narrowed = narrowed.where('actor', '=', actor);
  if (createdAfter !== undefined) {
    narrowed = narrowed.where('created_at', '>=', toStoredBound('createdAfter', createdAfter));
  }
  if (createdBefore !== undefined) {
    narrowed = narrowed.where('created_at', '<', toStoredBound('createdBefore', createdBefore));
  }
  return narrowed;
}
