/**
 * `npm run audit:verify` as an operator runs it: the database from DATABASE_URL, the verdict as
 * JSON on stdout, and an exit code a cron job or pipeline can act on.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import { auditEntry } from '../storage/store-fixtures.js';
import { createTestSchema, type TestSchema } from '../storage/support/postgres-schemas.js';

const run = promisify(execFile);

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command as the npm script does, with DATABASE_URL set to `databaseUrl`. */
async function verifyCommand(databaseUrl: string): Promise<CommandResult> {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  const args = ['--import', 'tsx', 'src/audit/verify-command.ts'];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { env });
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
