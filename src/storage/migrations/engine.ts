/**
 * Which engine a migration runs on, for the few steps whose SQL differs between SQLite and
 * PostgreSQL. One set of migrations serves both; a step branches here rather than the set forking.
 */
import {
  PostgresIntrospector,
  SqliteIntrospector,
  sql,
  type Expression,
  type Kysely,
} from 'kysely';

/** The engines the store runs on. */
export type Engine = 'sqlite' | 'postgres';

/** The type a text column is declared with. */
export type TextType = 'text' | Expression<unknown>;

/** The engine behind `db` (a database, connection or transaction); throws for any other. */
export function engineOf(db: Kysely<unknown>): Engine {
  const introspector = db.introspection;
  if (introspector instanceof SqliteIntrospector) return 'sqlite';
  if (introspector instanceof PostgresIntrospector) return 'postgres';
  throw new Error('the store runs on SQLite or PostgreSQL only');
}

/**
 * The type of a text column. On PostgreSQL it compares bytewise (collation "C"), as SQLite
 * does: stored times and ids are ordered as text, and a locale's collation could order them
 * differently from one server to the next.
 */
export function textType(engine: Engine): TextType {
  return engine === 'postgres' ? sql`text collate "C"` : 'text';
}
