/**
 * Migration 0006 turns the Idempotency-Keys a database holds into their digests: after the
 * upgrade, none of the keys the service stored as sent is left in the SQLite file or the
 * PostgreSQL rows, and a retry with a key issued before the upgrade still meets its integration
 * (with the answer kept for it), per caller as before.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration } from '../../src/orchestration/integration.js';
import { idempotencyKeyDigest } from '../../src/storage/idempotency-key-digest.js';
import { insertIntegration } from '../../src/storage/integration-rows.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { openStore } from '../../src/storage/open-store.js';
import {
  DEFAULT_POSTGRES_SETTINGS,
  openPostgresDatabase,
} from '../../src/storage/postgres-database.js';
import type { Database } from '../../src/storage/schema.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import type { IdempotencyKey } from '../../src/storage/store.js';
import {
  RUNNER,
  at,
  idempotencyKey,
  manualClock,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';
import { adminQuery, createTestSchema, type TestSchema } from './support/postgres-schemas.js';

const BEFORE_DIGESTS = '0005_lifecycle';

/** Keys callers really sent: a line of a pasted private key, and their own caller key. */
const PASTED_KEY_LINE = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVv3mH0t8rW5n2qXsKpZ';
const CALLER_KEY_AS_IDEMPOTENCY_KEY = 'portal-key-0123456789abcdef';
/** One key two callers both chose: each keeps their own. */
const SHARED_KEY = 'deploy-2026-12-04';

interface OldKey {
  key: IdempotencyKey;
  integration: Integration;
  answer?: Integration;
}

const answered = startedIntegration('old-answered', 'rollback_failed');
const OLD_KEYS: OldKey[] = [
  {
    key: idempotencyKey('old-answered', { key: PASTED_KEY_LINE }),
    integration: answered,
    answer: answered,
  },
  {
    key: idempotencyKey('old-running', { key: CALLER_KEY_AS_IDEMPOTENCY_KEY }),
    integration: startedIntegration('old-running'),
  },
  {
    key: idempotencyKey('old-ops', { key: SHARED_KEY }),
    integration: startedIntegration('old-ops'),
  },
  {
    key: idempotencyKey('old-alice', { key: SHARED_KEY, actor: 'alice' }),
    integration: { ...startedIntegration('old-alice'), actor: 'alice' },
  },
];
const RAW_KEYS = [PASTED_KEY_LINE, CALLER_KEY_AS_IDEMPOTENCY_KEY, SHARED_KEY];

/**
 * Brings `db` to the schema before 0006 and writes the integrations and keys there as the service
 * did then: the key in the column `key`, as the caller sent it.
 */
async function writeAsBefore(db: Kysely<Database>, migrationTableSchema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema });
  const { error } = await migrator.migrateTo(BEFORE_DIGESTS);
  if (error !== undefined)
    throw new Error(`migrating to ${BEFORE_DIGESTS} failed`, { cause: error });
  try {
    for (const { key, integration, answer } of OLD_KEYS) {
      await insertIntegration(db, stateOf(integration), { owner: RUNNER, expiresAt: at(30) });
      await sql`
        INSERT INTO idempotency_keys
          (actor, key, fingerprint, integration_id, created_at, expires_at, answer)
        VALUES (${key.actor}, ${key.key}, ${key.fingerprint}, ${key.integrationId}, ${at(0)},
          ${key.expiresAt}, ${answer === undefined ? null : JSON.stringify(answer)})
      `.execute(db);
    }
  } finally {
    await db.destroy();
  }
}

/** A retry of each old key, after the upgrade, meets the integration that key started. */
async function expectOldKeysStillAnswer(databaseUrl: string): Promise<void> {
  const store = await openStore(databaseUrl, { now: manualClock().now, postgres: { poolMax: 2 } });
  try {
    for (const { key, answer } of OLD_KEYS) {
      const retry = idempotencyKey(`retry-of-${key.integrationId}`, {
        actor: key.actor,
        key: key.key,
      });
      const outcome = await store.startIntegration(
        startOf(retry.integrationId, { idempotencyKey: retry }),
      );
      expect(outcome).toEqual({
        started: false,
        reason: 'idempotency-key',
        existing: answer === undefined ? key : { ...key, answer },
      });
    }
    // A caller with none of these keys is not refused by another caller's.
    const bob = idempotencyKey('new-bob', { actor: 'bob', key: SHARED_KEY });
    expect(
      await store.startIntegration(startOf('new-bob', { idempotencyKey: bob, claims: [] })),
    ).toEqual({ started: true });
  } finally {
    await store.close();
  }
}

describe('migration 0006: stored Idempotency-Keys become digests', () => {
  let folder = '';
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'idempotency-key-migration-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await schema?.drop();
  });

  it('on a SQLite file written before it', async () => {
    const file = join(folder, 'before-digests.db');
    await writeAsBefore(openSqliteDatabase(file));
    // The premise: the old rows hold the keys as sent.
    expect(await folderBytes(folder)).toContain(PASTED_KEY_LINE);

    await expectOldKeysStillAnswer(file);

    const bytes = await folderBytes(folder);
    for (const raw of RAW_KEYS) expect(bytes).not.toContain(raw);
    for (const { key } of OLD_KEYS) expect(bytes).toContain(idempotencyKeyDigest(key.key));
  });

  it('on a PostgreSQL schema written before it', async () => {
    schema = await createTestSchema();
    const db = openPostgresDatabase(schema.url, DEFAULT_POSTGRES_SETTINGS);
    await writeAsBefore(db, schema.name);
    expect(await keyRows(schema.name)).toContain(PASTED_KEY_LINE);

    await expectOldKeysStillAnswer(schema.url);

    const rows = await keyRows(schema.name);
    for (const raw of RAW_KEYS) expect(rows).not.toContain(raw);
    for (const { key } of OLD_KEYS) expect(rows).toContain(idempotencyKeyDigest(key.key));
  });
});

/** Every file in `folder` (the SQLite file and its journals), as text. */
async function folderBytes(folder: string): Promise<string> {
  const files = await readdir(folder);
  const contents = await Promise.all(files.map((file) => readFile(join(folder, file))));
  return contents.map((content) => content.toString('latin1')).join('\n');
}

/** Every row of the schema's idempotency_keys table, as JSON text. */
async function keyRows(schemaName: string): Promise<string> {
  const rows = await adminQuery(
    `select row_to_json(k)::text as row from ${schemaName}.idempotency_keys k`,
  );
  expect(rows.length).toBeGreaterThan(0);
  return JSON.stringify(rows);
}
