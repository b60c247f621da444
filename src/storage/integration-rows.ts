/**
 * The integrations table: the whole Integration is kept as a JSON document, with the fields an
 * operator filters on copied into columns beside it, and its journal and lease alongside.
 */
import type { Kysely, Updateable } from 'kysely';
import type { Integration } from '../orchestration/integration.js';
import type { JournalEntry } from '../orchestration/journal.js';
import type { Database, IntegrationsTable, NewIntegrationRow } from './schema.js';
import type { IntegrationState, Lease } from './store.js';

/** The columns a state is stored in. */
type StateColumns = Omit<NewIntegrationRow, 'lease_owner' | 'lease_expires_at'>;

/** Inserts a new integration held by `lease`; the primary key refuses an id that exists. */
export async function insertIntegration(
  db: Kysely<Database>,
  state: IntegrationState,
  lease: Lease,
): Promise<void> {
  await db
    .insertInto('integrations')
    .values({
      ...toStateColumns(state),
      lease_owner: lease.owner,
      lease_expires_at: lease.expiresAt,
    })
    .execute();
}

/**
 * Replaces the stored state, and sets `more` columns, only while `owner` holds the lease: a
 * runner that lost it to recovery can never overwrite the new holder. False when not held.
 */
export async function updateHeldIntegration(
  db: Kysely<Database>,
  state: IntegrationState,
  owner: string,
  more: Updateable<IntegrationsTable> = {},
): Promise<boolean> {
  const { id, ...columns } = toStateColumns(state);
  const result = await db
    .updateTable('integrations')
    .set({ ...columns, ...more })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The stored integration with this id, if any (without its journal). */
export async function selectIntegration(
  db: Kysely<Database>,
  id: string,
): Promise<Integration | undefined> {
  const row = await db
    .selectFrom('integrations')
    .select('document')
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : parseIntegration(row.document);
}

/** The stored integration with this id and its journal, if any. */
export async function selectIntegrationState(
  db: Kysely<Database>,
  id: string,
): Promise<IntegrationState | undefined> {
  const row = await db
    .selectFrom('integrations')
    .select(['document', 'journal'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toState(row);
}

/** The state the document and journal columns hold. */
export function toState(row: { document: string; journal: string }): IntegrationState {
  return {
    integration: parseIntegration(row.document),
    journal: JSON.parse(row.journal) as JournalEntry[],
  };
}

/** The integration a document column holds. */
export function parseIntegration(document: string): Integration {
  return JSON.parse(document) as Integration;
}

/** The columns a state is stored in: its document, journal, and the fields copied beside them. */
export function toStateColumns({ integration, journal }: IntegrationState): StateColumns {
  return {
    id: integration.id,
    status: integration.status,
    ca_label: integration.caLabel,
    actor: integration.actor,
    request_id: integration.requestId,
    created_at: integration.createdAt,
    updated_at: integration.updatedAt,
    document: JSON.stringify(integration),
    journal: JSON.stringify(journal),
  };
}
