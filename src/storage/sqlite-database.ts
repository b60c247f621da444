/**
 * Opens a SQLite file as a kysely database with the pragmas the store relies on.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import { DatabaseSetupError } from './database-setup-error.js';
import type { Database } from './schema.js';

const MEMORY = ':memory:';
const BUSY_TIMEOUT_MS = 5_000;
// The store runs a few dozen distinct statements; the bound only matters if that ever changes.
const MAX_CACHED_STATEMENTS = 500;

/** How to open the SQLite file. */
export interface SqliteOpenOptions {
  /**
   * Create the file's folder when it is missing: only for the service's default location. A
   * folder missing from a configured path is a typo or an unmounted volume, which creating it
   * would hide (and at worst create at the filesystem root).
   */
  createFolder?: boolean;
  /** Open an existing file without writing to it (the audit verifier); never creates it. */
  readonly?: boolean;
}

/** Opens (creating the file if needed, unless read-only) a SQLite database for the store. */
export function openSqliteDatabase(
  filename: string,
  options: SqliteOpenOptions = {},
): Kysely<Database> {
  if (filename !== MEMORY && !options.readonly) ensureFolder(filename, options.createFolder);
  const sqlite = options.readonly
    ? new SqliteDatabase(filename, { readonly: true, fileMustExist: true })
    : new SqliteDatabase(filename);
  try {
    if (options.readonly) applyReadPragmas(sqlite);
    else applyPragmas(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const database = withStatementCache(sqlite);
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) });
}

/**
 * kysely prepares every query afresh, and better-sqlite3 then compiles its SQL again: a tenth of
 * the service's CPU under load. The same SQL text gets the same compiled statement back, unless
 * that one is still being iterated (a stream), which a statement cannot do twice at once.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statements.set(sql, statement);
      return statement;
    },
  };
}

function ensureFolder(filename: string, create = false): void {
  const folder = dirname(filename);
  if (existsSync(folder)) return;
  if (!create) {
    throw new DatabaseSetupError(
      `DATABASE_URL: the folder ${folder} of the SQLite file does not exist; ` +
        'create it (or mount the volume there) first.',
    );
  }
  mkdirSync(folder, { recursive: true });
}

// A read-only connection cannot change the journal mode; it only waits for writers.
function applyReadPragmas(sqlite: SqliteDatabase.Database): void {
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

function applyPragmas(sqlite: SqliteDatabase.Database): void {
  // WAL lets readers (readyz, audit queries) proceed while a write transaction is open.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process on the same file (a second instance, a CLI) waits instead of failing.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Under WAL, NORMAL loses at most the last commits on power loss, never consistency.
  sqlite.pragma('synchronous = NORMAL');
  // Statement journals and sorts otherwise go to files created and unlinked in /var/tmp, several
  // a second under load (seen with strace in the benchmark); they are small enough for memory.
  sqlite.pragma('temp_store = MEMORY');
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
