/**
 * Which engine each accepted form of DATABASE_URL selects, where it puts the SQLite file, and
 * what is refused.
 */
import { describe, expect, it } from 'vitest';
import { resolveDatabaseLocation } from '../../src/storage/database-location.js';

const cwd = '/srv/app';
const filenameOf = (url: string) => {
  const location = resolveDatabaseLocation(url, cwd);
  if (location.engine !== 'sqlite') throw new Error(`${url} selected ${location.engine}`);
  return location.filename;
};

describe('DATABASE_URL', () => {
  it('resolves a plain path against the working folder', () => {
    expect(filenameOf('./data/vault-integrations.db')).toBe('/srv/app/data/vault-integrations.db');
    expect(filenameOf('data/x.db')).toBe('/srv/app/data/x.db');
    expect(filenameOf('/var/lib/x.db')).toBe('/var/lib/x.db');
  });

  it('reads file: URLs, relative and absolute, with percent-escapes', () => {
    expect(filenameOf('file:./data/x.db')).toBe('/srv/app/data/x.db');
    expect(filenameOf('file:data/x.db')).toBe('/srv/app/data/x.db');
    expect(filenameOf('file:///var/lib/x.db')).toBe('/var/lib/x.db');
    expect(filenameOf('file://localhost/var/lib/x.db')).toBe('/var/lib/x.db');
    expect(filenameOf('file:///var/lib/my%20store.db')).toBe('/var/lib/my store.db');
  });

  it('selects PostgreSQL for a postgres: or postgresql: URL, passing it on as it is', () => {
    for (const url of ['postgres://u:p@db:5432/tsm', 'POSTGRESQL://db/tsm?sslmode=require']) {
      expect(resolveDatabaseLocation(` ${url} `, cwd)).toEqual({
        engine: 'postgres',
        connectionString: url,
      });
    }
  });

  it('keeps an in-memory database in memory', () => {
    expect(filenameOf(':memory:')).toBe(':memory:');
  });

  it('refuses what it cannot open, saying why', () => {
    expect(() => filenameOf('mysql://db/tsm')).toThrow(/"mysql:" is not supported/);
    expect(() => filenameOf('file:./x.db?mode=ro')).toThrow(/query and fragment/);
    expect(() => filenameOf('file:')).toThrow(/names no file/);
    expect(() => filenameOf('file:./50%.db')).toThrow(/percent-escape/);
    expect(() => filenameOf('  ')).toThrow(/empty/);
  });
});
