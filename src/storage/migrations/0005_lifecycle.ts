/**
 * The lifecycle of an integration: the list filters on CA label and actor, each with the
 * newest-first order of the list so that a filtered page is read from one index range.
 */
import type { Kysely } from 'kysely';

const INDEXES = [
  ['integrations_by_ca_label', 'integrations', ['ca_label', 'created_at', 'id']],
  ['integrations_by_actor', 'integrations', ['actor', 'created_at', 'id']],
] as const;

/** Creates the indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of INDEXES) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }
}

/** Drops them again, for a developer who must start over; the service never calls it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
