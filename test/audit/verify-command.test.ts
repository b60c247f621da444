/**
 * `npm run audit:verify` as an operator runs it: the database from DATABASE_URL, the verdict as
 * JSON on stdout, and an exit code a cron job or pipeline can act on.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { openStore } from '../../src/storage/open-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { auditEntry } from '../storage/store-fixtures.js';
import {
  adminQuery,
  createTestSchema,
  type TestSchema,
} from '../storage/support/postgres-schemas.js';

const run = promisify(execFile);

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command as the npm script does, with DATABASE_URL set to `databaseUrl` (unset when
 * undefined), in the working folder `cwd` (the project's by default).
 */
async function verifyCommand(
  databaseUrl: string | undefined,
  cwd: string = process.cwd(),
): Promise<CommandResult> {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  // tsx as the project resolves it, so that the command also runs from another working folder.
  const tsx = import.meta.resolve('tsx');
  const args = ['--import', tsx, join(process.cwd(), 'src/audit/verify-command.ts')];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { env, cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `npm run audit:verify` itself, as an auditor types it. */
async function npmRunVerify(databaseUrl: string): Promise<CommandResult> {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'audit:verify'], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let folder = '';
let schema: TestSchema | undefined;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-verify-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await schema?.drop();
});

async function trailOf(databaseUrl: string, records: number): Promise<void> {
  const store = await openStore(databaseUrl, { postgres: { poolMax: 1 } });
  for (let index = 0; index < records; index += 1) {
    await store.appendAudit([auditEntry({ requestId: `req-${index}` })]);
  }
  await store.close();
}

it('exits 0 with the verdict for an intact SQLite trail, 1 once a record is changed', async () => {
  const file = join(folder, 'trail.db');
  await trailOf(file, 4);

  const intact = await verifyCommand(file);
  expect(intact.code).toBe(0);
  expect(JSON.parse(intact.stdout)).toMatchObject({ valid: true, checked: 4 });

  const direct = new SqliteDatabase(file);
  direct.exec('DROP TRIGGER audit_records_refuse_update');
  direct.exec(`UPDATE audit_records SET details = '{"note":"edited"}' WHERE sequence = 2`);
  direct.close();

  const broken = await verifyCommand(file);
  expect(broken.code).toBe(1);
  expect(JSON.parse(broken.stdout)).toMatchObject({
    valid: false,
    checked: 1,
    firstBreak: { kind: 'changed', sequence: 2 },
  });
});

it('verifies a PostgreSQL trail', async () => {
  schema = await createTestSchema();
  await trailOf(schema.url, 3);

  const result = await verifyCommand(schema.url);

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, checked: 3 });
});

it('exits 2 and says why when the database cannot be opened', async () => {
  const result = await verifyCommand('postgres://auditor:hunter2-secret@127.0.0.1:1/none');

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^audit:verify: .*PostgreSQL/);
  expect(result.stderr).not.toContain('hunter2-secret');
});

it('exits 2 naming DATABASE_URL and the path for a SQLite file that does not exist, creating none', async () => {
  const file = join(folder, 'typo', 'trial.db');
  await mkdir(join(folder, 'typo'));

  const result = await npmRunVerify(file);

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('DATABASE_URL');
  expect(result.stderr).toContain(file);
  expect(existsSync(file)).toBe(false);
});

it('without DATABASE_URL, reports the default file missing instead of creating ./data', async () => {
  const cwd = await mkdtemp(join(folder, 'cwd-'));

  const result = await verifyCommand(undefined, cwd);

  expect(result.code).toBe(2);
  expect(result.stderr).toContain(join(cwd, 'data', 'vault-integrations.db'));
  expect(existsSync(join(cwd, 'data'))).toBe(false);
});

it("exits 2 for a SQLite file that is not the service's, and leaves it unchanged", async () => {
  const file = join(folder, 'other.db');
  const other = new SqliteDatabase(file);
  other.exec('CREATE TABLE notes (text TEXT)');
  other.close();

  const result = await verifyCommand(file);

  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/no audit trail.*DATABASE_URL/);
  const after = new SqliteDatabase(file, { readonly: true });
  const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  after.close();
  expect(tables).toEqual([{ name: 'notes' }]);
});

it('exits 2 and asks to run the service once for a database migrated before the chain', async () => {
  const file = join(folder, 'old.db');
  const db = openSqliteDatabase(file);
  const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo(
    '0003_idempotent_answers',
  );
  await db.destroy();
  expect(migrated.error).toBeUndefined();

  const result = await verifyCommand(file);

  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/run the service once to migrate/);
});

it('exits 2 for a PostgreSQL schema without the audit tables, and creates none', async () => {
  const empty = await createTestSchema();
  try {
    const result = await verifyCommand(empty.url);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no audit trail/);
    const tables = await adminQuery(
      'select table_name from information_schema.tables where table_schema = $1',
      [empty.name],
    );
    expect(tables).toEqual([]);
  } finally {
    await empty.drop();
  }
});
