/**
 * Schemas of their own on the test PostgreSQL server, so that test runs (and the stores within
 * one) never meet. TEST_DATABASE_URL names the server; it must answer, or the tests fail saying so.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use: this machine's, with trust auth, unless set. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty schema, and the DATABASE_URL whose connections work in it. */
export interface TestSchema {
  name: string;
  /** Connections of this URL use the schema first, and carry its name as application_name. */
  url: string;
  drop: () => Promise<void>;
}

/** Creates an empty schema with a random name; a clear error when the server does not answer. */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `tvi_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${name}`);
  return {
    name,
    url: urlInSchema(TEST_DATABASE_URL, name),
    drop: () => adminQuery(`drop schema if exists ${name} cascade`).then(() => undefined),
  };
}

/** `url` with its connections put in `schema` and named after it in pg_stat_activity. */
export function urlInSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  parsed.searchParams.set('application_name', schema);
  return parsed.href;
}

/** Runs one statement on a connection of its own, as the server's superuser would. */
export async function adminQuery<Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(error);
  }
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function unreachable(error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const server = new URL(TEST_DATABASE_URL);
  server.password = '';
  return new Error(
    `The PostgreSQL tests need a server at ${server.href} (${reason}). Start it: .ci/run does, ` +
      'or `pg_ctlcluster <version> main start`; or set TEST_DATABASE_URL to another server.',
    { cause: error },
  );
}
