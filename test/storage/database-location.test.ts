/**
 * Where each accepted form of DATABASE_URL puts the SQLite file, and what is refused.
 */
import { describe, expect, it } from 'vitest';
import { resolveDatabaseLocation } from '../../src/storage/database-location.js';

const cwd = '/srv/app';
const filenameOf = (url: string) => resolveDatabaseLocation(url, cwd).filename;

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

  it('keeps an in-memory database in memory', () => {
    expect(filenameOf(':memory:')).toBe(':memory:');
  });

  it('refuses what it cannot open, saying why', () => {
    expect(() => filenameOf('postgresql://user@db:5432/tsm')).toThrow(/PostgreSQL.*not built yet/);
    expect(() => filenameOf('mysql://db/tsm')).toThrow(/"mysql:" is not supported/);
    expect(() => filenameOf('file:./x.db?mode=ro')).toThrow(/query and fragment/);
    expect(() => filenameOf('file:')).toThrow(/names no file/);
    expect(() => filenameOf('file:./50%.db')).toThrow(/percent-escape/);
    expect(() => filenameOf('  ')).toThrow(/empty/);
  });
});
