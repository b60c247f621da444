/**
 * The integration list: newest first by (created_at, id), with keyset pagination on that pair so
 * that integrations started meanwhile never shift a page.
 */
import type { Kysely } from 'kysely';
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

  let select = db.selectFrom('integrations').select('document');
  if (query.status !== undefined) select = select.where('status', '=', query.status);
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
