/**
 * Migration 0004 chains the audit records a database already holds, oldest first from the
 * genesis hash, so an upgraded trail verifies from its first record on; new appends continue the
 * chain, and the trail is append-only again once the migration is done.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Migrator, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-verifier.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { openStore } from '../../src/storage/open-store.js';
import {
  DEFAULT_POSTGRES_SETTINGS,
  openPostgresDatabase,
} from '../../src/storage/postgres-database.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { auditEntry } from './store-fixtures.js';
import { adminQuery, createTestSchema, type TestSchema } from './support/postgres-schemas.js';

const BEFORE_CHAIN = '0003_idempotent_answers';
const OLD_RECORDS = 3;

// The rows as the service wrote them before 0004: no place in any chain.
const oldRecordsInsert = (table: string) =>
  `INSERT INTO ${table} (at, action, actor, request_id, integration_id, details) VALUES ` +
  Array.from(
    { length: OLD_RECORDS },
    (_, index) =>
      `('2026-11-0${index + 1}T10:00:00.000Z', 'http.request', 'portal', 'old-${index}', ` +
      `NULL, '{"status":200}')`,
  ).join(', ');

let folder = '';
let schema: TestSchema | undefined;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-chain-migration-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await schema?.drop();
});

async function migrateBeforeChain(db: Kysely<unknown>, migrationTableSchema?: string) {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema });
  const { error } = await migrator.migrateTo(BEFORE_CHAIN);
  await db.destroy();
  if (error !== undefined) throw new Error('migrating to 0003 failed', { cause: error });
}

it('chains the records of a SQLite file made before 0004', async () => {
  const file = join(folder, 'before-chain.db');
  await migrateBeforeChain(openSqliteDatabase(file) as Kysely<unknown>);
  const direct = new SqliteDatabase(file);
  direct.exec(oldRecordsInsert('audit_records'));
  direct.close();

  const store = await openStore(file);
  try {
    expect(await verifyAuditChain(store)).toMatchObject({ valid: true, checked: OLD_RECORDS });
    await store.appendAudit([auditEntry()]);
    expect(await verifyAuditChain(store)).toMatchObject({ valid: true, checked: OLD_RECORDS + 1 });
  } finally {
    await store.close();
  }
  const again = new SqliteDatabase(file);
  try {
    expect(() => again.prepare("UPDATE audit_records SET actor = 'x'").run()).toThrow(
      /append-only/,
    );
  } finally {
    again.close();
  }
});

it('chains the records of a PostgreSQL schema made before 0004', async () => {
  schema = await createTestSchema();
  const db = openPostgresDatabase(schema.url, DEFAULT_POSTGRES_SETTINGS);
  await migrateBeforeChain(db as Kysely<unknown>, schema.name);
  await adminQuery(oldRecordsInsert(`${schema.name}.audit_records`));

  const store = await openStore(schema.url, { postgres: { poolMax: 2 } });
  try {
    expect(await verifyAuditChain(store)).toMatchObject({ valid: true, checked: OLD_RECORDS });
    await store.appendAudit([auditEntry()]);
    expect(await verifyAuditChain(store)).toMatchObject({ valid: true, checked: OLD_RECORDS + 1 });
  } finally {
    await store.close();
  }
  await expect(adminQuery(`update ${schema.name}.audit_records set actor = 'x'`)).rejects.toThrow(
    /append-only/,
  );
});
