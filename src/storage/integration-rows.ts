/**
 * The integrations table: the whole Integration is kept as a JSON document, with the fields an
 * operator filters on copied into columns beside it.
 */
import type { Kysely } from 'kysely';
import type { Integration } from '../orchestration/integration.js';
import { UnknownIntegrationError } from './errors.js';
import type { Database, IntegrationsTable } from './schema.js';

/** Inserts a new integration; the primary key refuses an id that exists. */
export async function insertIntegration(
  db: Kysely<Database>,
  integration: Integration,
): Promise<void> {
  await db.insertInto('integrations').values(toRow(integration)).execute();
}

/** Replaces a stored integration; UnknownIntegrationError when there is none with its id. */
export async function replaceIntegration(
  db: Kysely<Database>,
  integration: Integration,
): Promise<void> {
  const { id, ...columns } = toRow(integration);
  const result = await db
    .updateTable('integrations')
    .set(columns)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new UnknownIntegrationError(id);
}

/** The stored integration with this id, if any. */
export async function selectIntegration(
  db: Kysely<Database>,
  id: string,
): Promise<Integration | undefined> {
  const row = await db
    .selectFrom('integrations')
    .select('document')
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : (JSON.parse(row.document) as Integration);
}

function toRow(integration: Integration): IntegrationsTable {
  return {
    id: integration.id,
    status: integration.status,
    ca_label: integration.caLabel,
    actor: integration.actor,
    request_id: integration.requestId,
    created_at: integration.createdAt,
    updated_at: integration.updatedAt,
    document: JSON.stringify(integration),
  };
}
