/**
 * Where DATABASE_URL points: a PostgreSQL database (a postgres: or postgresql: URL), a SQLite
 * file (a path or a file: URL), or an in-memory SQLite database.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A SQLite database: an absolute file name, or ':memory:'. */
export interface SqliteLocation {
  engine: 'sqlite';
  filename: string;
}

/** A PostgreSQL database, as a connection string pg reads. */
export interface PostgresLocation {
  engine: 'postgres';
  connectionString: string;
}

/** The database DATABASE_URL names. */
export type DatabaseLocation = SqliteLocation | PostgresLocation;

const MEMORY = ':memory:';
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Resolves DATABASE_URL; relative paths resolve against `cwd`. Throws on what it cannot use. */
export function resolveDatabaseLocation(
  databaseUrl: string,
  cwd: string = process.cwd(),
): DatabaseLocation {
  const url = databaseUrl.trim();
  if (url === '') {
    throw new Error(
      'DATABASE_URL is empty: give a PostgreSQL URL, a SQLite file path or file: URL.',
    );
  }
  if (url === MEMORY) return { engine: 'sqlite', filename: MEMORY };

  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return { engine: 'postgres', connectionString: url };
  }
  if (scheme === 'file') return { engine: 'sqlite', filename: fromFileUrl(url, cwd) };
  if (scheme !== undefined && url.includes('://')) {
    throw new Error(
      `DATABASE_URL: the scheme "${scheme}:" is not supported; use postgres: or a SQLite file.`,
    );
  }
  return { engine: 'sqlite', filename: resolve(cwd, url) };
}

// file:///abs/x.db is a URL proper. file:./x.db is the relative form SQLite itself accepts,
// which WHATWG URL parsing would silently turn into /x.db, so it is read by hand.
function fromFileUrl(url: string, cwd: string): string {
  if (/[?#]/.test(url)) {
    throw new Error('DATABASE_URL: query and fragment are not supported in a file: URL.');
  }
  if (url.startsWith('file://')) return fileURLToPath(url);

  const path = decodePath(url.slice('file:'.length));
  if (path === '') throw new Error('DATABASE_URL: the file: URL names no file.');
  return path === MEMORY ? MEMORY : resolve(cwd, path);
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new Error('DATABASE_URL: the file: URL has a malformed percent-escape.');
  }
}
