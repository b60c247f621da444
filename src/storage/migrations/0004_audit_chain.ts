/**
 * The audit trail becomes a hash chain: each record gets its place (sequence), the hash of the
 * record before it and its own hash, and one head row says where the chain ends. The records
 * already stored are chained here, oldest first from the genesis hash, so an old database
 * verifies from its first record on.
 */
import { sql, type Kysely } from 'kysely';
import { GENESIS_HASH, auditRecordHash } from '../../audit/audit-chain.js';
import { engineOf, textType, type Engine } from './engine.js';

/** The rows as this migration sees them, whatever later migrations add. */
interface ChainingTables {
  audit_records: {
    id: number;
    at: string;
    action: string;
    actor: string;
    request_id: string;
    integration_id: string | null;
    details: string;
    sequence: number | null;
    previous_hash: string | null;
    hash: string | null;
  };
  audit_chain_head: { id: number; sequence: number; hash: string };
}

const PAGE = 500;
const CHAIN_COLUMNS = ['sequence', 'previous_hash', 'hash'] as const;

/** Adds the chain columns and head, and chains the records already stored. */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<ChainingTables>;
  const engine = engineOf(untyped);
  // kysely runs PostgreSQL's migrations in a transaction but not SQLite's; a chaining cut short
  // must not leave the trail without its refusing trigger.
  if (engine === 'postgres') await addChain(db, engine);
  else await db.transaction().execute((trx) => addChain(trx, engine));
}

async function addChain(db: Kysely<ChainingTables>, engine: Engine): Promise<void> {
  const text = textType(engine);
  const records = () => db.schema.alterTable('audit_records');
  await records()
    .addColumn('sequence', engine === 'postgres' ? 'bigint' : 'integer')
    .execute();
  await records().addColumn('previous_hash', text).execute();
  await records().addColumn('hash', text).execute();
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('sequence', engine === 'postgres' ? 'bigint' : 'integer', (column) =>
      column.notNull(),
    )
    .addColumn('hash', text, (column) => column.notNull())
    .execute();

  const head = await withChangesAllowed(db, engine, () => chainStoredRecords(db));
  await db
    .insertInto('audit_chain_head')
    .values({ id: 1, ...head })
    .execute();
  await db.schema
    .createIndex('audit_records_sequence')
    .unique()
    .on('audit_records')
    .column('sequence')
    .execute();
}

/** Drops what up created, for a developer who must start over; the service never calls it. */
export async function down(untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema.dropIndex('audit_records_sequence').execute();
  await untyped.schema.dropTable('audit_chain_head').execute();
  for (const column of CHAIN_COLUMNS) {
    await untyped.schema.alterTable('audit_records').dropColumn(column).execute();
  }
}

// Walks the stored records in id order a page at a time (an old trail may be long) and gives
// each its place; the head is where the walk ended.
async function chainStoredRecords(
  db: Kysely<ChainingTables>,
): Promise<{ sequence: number; hash: string }> {
  let sequence = 0;
  let hash = GENESIS_HASH;
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_records')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id', 'asc')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return { sequence, hash };
    for (const row of rows) {
      const previousHash = hash;
      sequence += 1;
      hash = auditRecordHash(
        { ...row, sequence, requestId: row.request_id, integrationId: row.integration_id },
        previousHash,
      );
      await db
        .updateTable('audit_records')
        .set({ sequence, previous_hash: previousHash, hash })
        .where('id', '=', row.id)
        .execute();
      afterId = row.id;
    }
  }
}

// The trail refuses every UPDATE (0001_initial); the chaining is the one update it ever gets.
// It runs in a transaction on both engines, so no other writer sees the trigger off. SQLite's
// trigger is dropped and made again exactly as 0001 made it.
async function withChangesAllowed<T>(
  db: Kysely<ChainingTables>,
  engine: Engine,
  work: () => Promise<T>,
): Promise<T> {
  if (engine === 'postgres') {
    await sql`ALTER TABLE audit_records DISABLE TRIGGER audit_records_refuse_change`.execute(db);
    const result = await work();
    await sql`ALTER TABLE audit_records ENABLE TRIGGER audit_records_refuse_change`.execute(db);
    return result;
  }
  await sql`DROP TRIGGER audit_records_refuse_update`.execute(db);
  const result = await work();
  await sql`
    CREATE TRIGGER audit_records_refuse_update BEFORE UPDATE ON audit_records
    BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END
  `.execute(db);
  return result;
}
