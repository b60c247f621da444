/**
 * Opens a SQLite file as a kysely database with the pragmas the store relies on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
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
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
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

// Every transaction of the store writes. A plain BEGIN reads first and asks for the write lock
// later, and in WAL mode that upgrade fails at once (SQLITE_BUSY, no waiting) when another
// process committed in between; BEGIN IMMEDIATE takes the lock first, so the other waits its
// busy timeout instead, and then reads what the first committed (a claim, a key).
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}
