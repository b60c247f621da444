/**
 * The store on real SQLite files: the contract, then what only a file shows — the database
 * guarding the audit trail itself, reopening, and where DATABASE_URL puts the file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import { auditEntry, startOf, startedIntegration } from './store-fixtures.js';
import { storeContract } from './store-contract.js';
import { storageLog } from './support/storage-log.js';
import { MIGRATION_NAMES } from '../../src/storage/migrations/index.js';

let folder = '';
let files = 0;
/** A file name in a folder of its own, which exists (the store creates no configured folder). */
const freshFile = (name = 'store.db') => {
  const own = join(folder, `${(files += 1)}`);
  mkdirSync(own);
  return join(own, name);
};

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sqlite-store-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('SQLite store', () => {
  storeContract(({ now }) => openStore(freshFile(), { now }));
});

describe('SQLite audit trail', () => {
  it('is refused UPDATE and DELETE by the database itself', async () => {
    const file = freshFile();
    const store = await openStore(file);
    await store.appendAudit([auditEntry({ actor: 'alice' })]);
    await store.close();

    const direct = new SqliteDatabase(file);
    try {
      expect(() => direct.prepare("UPDATE audit_records SET actor = 'mallory'").run()).toThrow(
        /append-only/,
      );
      expect(() => direct.prepare('DELETE FROM audit_records').run()).toThrow(/append-only/);
      expect(direct.prepare('SELECT actor FROM audit_records').all()).toEqual([{ actor: 'alice' }]);
    } finally {
      direct.close();
    }
  });
});

describe('opening a SQLite store', () => {
  it('keeps the data of a reopened file and runs no migration twice', async () => {
    const file = freshFile();
    const firstLog = storageLog();
    const first = await openStore(file, { logger: firstLog });
    await first.startIntegration(startOf('int-1'));
    await first.close();

    const secondLog = storageLog();
    const second = await openStore(file, { logger: secondLog });
    const stored = await second.getIntegration('int-1');
    const { records } = await second.queryAudit({ limit: 10 });
    await second.close();

    expect(firstLog.applied).toEqual(MIGRATION_NAMES);
    expect(secondLog.applied).toEqual([]);
    expect(stored).toStrictEqual(startedIntegration('int-1'));
    expect(records).toHaveLength(1);
  });

  it('refuses a file in a folder that does not exist, creating nothing', async () => {
    const file = freshFile(join('nested', 'deeper', 'store.db'));

    await expect(openStore(file)).rejects.toThrow(/DATABASE_URL: the folder .*nested.* create it/);
    expect(existsSync(join(file, '..', '..'))).toBe(false);
  });

  it('creates the folders above the file when asked (the default location) and keeps WAL', async () => {
    const file = freshFile(join('nested', 'deeper', 'store.db'));
    const store = await openStore(file, { createSqliteFolder: true });
    await store.ping();
    await store.close();

    expect((await stat(file)).isFile()).toBe(true);
    const direct = new SqliteDatabase(file, { readonly: true });
    expect(direct.pragma('journal_mode', { simple: true })).toBe('wal');
    direct.close();
  });

  it('opens absolute and relative file: URLs at the file they name', async () => {
    const absolute = freshFile();
    const relativeFile = freshFile();
    const urls = [pathToFileURL(absolute).href, `file:${relative(process.cwd(), relativeFile)}`];

    for (const url of urls) {
      const store = await openStore(url);
      await store.appendAudit([auditEntry()]);
      await store.close();
    }

    expect((await stat(absolute)).isFile()).toBe(true);
    expect((await stat(relativeFile)).isFile()).toBe(true);
  });

  it('opens an in-memory database for unit tests', async () => {
    const store = await openStore(':memory:');
    await store.startIntegration(startOf('int-1'));

    expect(await store.getIntegration('int-1')).toStrictEqual(startedIntegration('int-1'));
    await store.close();
  });
});
