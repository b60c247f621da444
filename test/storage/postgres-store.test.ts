/**
 * The store on a real PostgreSQL server (TEST_DATABASE_URL), each store in a schema of its own:
 * the contract, then what only the server shows — the audit trail guarded by the database
 * itself, reopening, and a server or schema that is not there.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type OpenStoreOptions } from '../../src/storage/open-store.js';
import { auditEntry, startOf, startedIntegration } from './store-fixtures.js';
import { storeContract } from './store-contract.js';
import {
  TEST_DATABASE_URL,
  adminQuery,
  createTestSchema,
  urlInSchema,
  type TestSchema,
} from './support/postgres-schemas.js';
import { storageLog } from './support/storage-log.js';
import { MIGRATION_NAMES } from '../../src/storage/migrations/index.js';

const schemas: TestSchema[] = [];
const POOL = { poolMax: 4 };

/** A store in a fresh schema of its own. */
async function freshStore(options: OpenStoreOptions = {}) {
  const schema = await createTestSchema();
  schemas.push(schema);
  const store = await openStore(schema.url, { postgres: POOL, ...options });
  return { schema, store };
}

// Dropped at the end, all at once: a drop per case would make the suite a third slower.
afterAll(async () => {
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
});

describe('PostgreSQL store', () => {
  storeContract(async ({ now }) => (await freshStore({ now })).store);
});

describe('PostgreSQL audit trail', () => {
  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const { schema, store } = await freshStore();
    await store.appendAudit([auditEntry({ actor: 'alice' })]);
    await store.close();
    const table = `${schema.name}.audit_records`;

    for (const statement of [
      `update ${table} set actor = 'mallory'`,
      `delete from ${table}`,
      `truncate ${table}`,
    ]) {
      await expect(adminQuery(statement)).rejects.toThrow(/append-only/);
    }
    expect(await adminQuery(`select actor from ${table}`)).toEqual([{ actor: 'alice' }]);
  });
});

describe('opening a PostgreSQL store', () => {
  it('keeps the data of a reopened schema and runs no migration twice', async () => {
    const firstLog = storageLog();
    const { schema, store: first } = await freshStore({ logger: firstLog });
    await first.startIntegration(startOf('int-1'));
    await first.close();

    const secondLog = storageLog();
    const second = await openStore(schema.url, { logger: secondLog, postgres: POOL });
    const stored = await second.getIntegration('int-1');
    const { records } = await second.queryAudit({ limit: 10 });
    await second.close();

    expect(firstLog.applied).toEqual(MIGRATION_NAMES);
    expect(secondLog.applied).toEqual([]);
    expect(stored).toStrictEqual(startedIntegration('int-1'));
    expect(records).toHaveLength(1);
  });

  it('keeps each schema to itself: a store sees nothing of another schema', async () => {
    const { store: one } = await freshStore();
    const { store: other } = await freshStore();
    await one.startIntegration(startOf('int-1'));

    expect(await other.getIntegration('int-1')).toBeUndefined();
    expect(await other.startIntegration(startOf('int-1'))).toEqual({ started: true });
    await Promise.all([one.close(), other.close()]);
  });

  it('refuses to open when the server does not answer, quoting no password', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(await closedPort());
    url.password = 'secret-password-do-not-print';

    const opening = openStore(url.href, { postgres: { connectionTimeoutMs: 1_000 } });

    await expect(opening).rejects.toThrow(/no connection to PostgreSQL/);
    await expect(opening).rejects.not.toThrow(/secret-password/);
  });

  it('refuses to open when the schema of the search_path does not exist', async () => {
    const url = urlInSchema(TEST_DATABASE_URL, 'tvi_test_never_created');

    await expect(openStore(url)).rejects.toThrow(/no schema of the search_path exists/);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
