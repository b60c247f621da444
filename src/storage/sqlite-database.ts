/**
 * Opens a SQLite file as a kysely database with the pragmas the store relies on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

const MEMORY = ':memory:';
const BUSY_TIMEOUT_MS = 5_000;

/** Opens (creating the file and its folder if needed) a SQLite database for the store. */
export function openSqliteDatabase(filename: string): Kysely<Database> {
  if (filename !== MEMORY) mkdirSync(dirname(filename), { recursive: true });
  const sqlite = new SqliteDatabase(filename);
  try {
    applyPragmas(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function applyPragmas(sqlite: SqliteDatabase.Database): void {
  // WAL lets readers (readyz, audit queries) proceed while a write transaction is open.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process on the same file (a second instance, a CLI) waits instead of failing.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Under WAL, NORMAL loses at most the last commits on power loss, never consistency.
  sqlite.pragma('synchronous = NORMAL');
}
