/**
 * Upgrading a database made before the journal: migration 0002 applies to a file that 0001
 * alone made, and the integrations stored then read back, with an empty journal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Integration } from '../../src/orchestration/integration.js';
import * as initial from '../../src/storage/migrations/0001_initial.js';
import { openStore } from '../../src/storage/open-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { at, failedIntegration, startOf, startedIntegration, stateOf } from './store-fixtures.js';
import { storageLog } from './support/storage-log.js';
import { MIGRATION_NAMES } from '../../src/storage/migrations/index.js';

let folder = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sqlite-migrations-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

it('brings a database made by 0001 up to date, keeping its integrations', async () => {
  const file = join(folder, 'before-journal.db');
  await migrateTo0001(file);
  const running = startedIntegration('old-running', 'in_progress', at(-60));
  const failed = failedIntegration('old-failed');
  insertAsBefore(file, [running, failed]);

  const log = storageLog();
  const store = await openStore(file, { logger: log });
  try {
    expect(log.applied).toEqual(MIGRATION_NAMES.slice(1));
    expect(await store.getIntegration('old-running')).toStrictEqual(running);
    expect(await store.getIntegration('old-failed')).toStrictEqual(failed);

    // Held by no one and unfinished: recovery takes it, with nothing in its journal.
    const lease = { owner: 'recovery-1', expiresAt: at(30) };
    expect(await store.takeOverForRecovery(lease, at(0), 10)).toStrictEqual([
      { state: { integration: running, journal: [] }, recoveryAttempts: 0 },
    ]);
    const newer = stateOf(startedIntegration('new-1', 'in_progress', at(60)));
    expect(await store.startIntegration(startOf('new-1', { state: newer }))).toEqual({
      started: true,
    });
    const { integrations } = await store.listIntegrations({ limit: 10 });
    expect(integrations.map((integration) => integration.id)).toEqual([
      'new-1',
      'old-failed',
      'old-running',
    ]);
  } finally {
    await store.close();
  }
});

async function migrateTo0001(file: string): Promise<void> {
  const db = openSqliteDatabase(file);
  const provider = { getMigrations: () => Promise.resolve({ '0001_initial': initial }) };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  await db.destroy();
  if (error !== undefined) throw new Error('migration 0001 failed', { cause: error });
}

// The rows as the service of the first issue wrote them: the columns of 0001 and nothing else.
function insertAsBefore(file: string, integrations: Integration[]): void {
  const direct = new SqliteDatabase(file);
  try {
    const insert = direct.prepare(
      `INSERT INTO integrations
         (id, status, ca_label, actor, request_id, created_at, updated_at, document)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const integration of integrations) {
      const { id, status, caLabel, actor, requestId, createdAt, updatedAt } = integration;
      const values = [id, status, caLabel, actor, requestId, createdAt, updatedAt];
      insert.run(...values, JSON.stringify(integration));
    }
  } finally {
    direct.close();
  }
}
