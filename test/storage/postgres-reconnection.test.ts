/**
 * The store outlives its database going away: connections the server drops are replaced on the
 * next query, ping fails while the server cannot be reached, and answers again once it can,
 * without the store being opened again.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { manualClock, startOf } from './store-fixtures.js';
import { adminQuery, createTestSchema, type TestSchema } from './support/postgres-schemas.js';
import { storageLog, type StorageLog } from './support/storage-log.js';
import { startTcpProxy } from './support/tcp-proxy.js';

let schema: TestSchema;
let store: Store | undefined;
let log: StorageLog;

beforeEach(async () => {
  schema = await createTestSchema();
  log = storageLog();
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await schema.drop();
});

it('replaces connections the server terminated, and the next queries succeed', async () => {
  store = await openStore(schema.url, { logger: log, now: manualClock().now });
  // The pool connects lazily: every connection of this store opens after this instant.
  const [opened] = await adminQuery<{ at: Date }>('select clock_timestamp() as at');
  await Promise.all([store.ping(), store.ping(), store.ping()]);

  const terminated = await adminQuery(
    `select pg_terminate_backend(pid) from pg_stat_activity
     where application_name = $1 and backend_start > $2`,
    [schema.name, opened?.at],
  );
  await log.lostAtLeast(terminated.length);

  expect(terminated.length).toBeGreaterThan(0);
  await expect(store.ping()).resolves.toBeUndefined();
  expect(await store.startIntegration(startOf('int-1'))).toEqual({ started: true });
});

it('fails ping while the database is unreachable, and answers again once it is back', async () => {
  const server = new URL(schema.url);
  const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  server.host = `127.0.0.1:${proxy.port}`;
  store = await openStore(server.href, {
    logger: log,
    now: manualClock().now,
    postgres: { connectionTimeoutMs: 1_000 },
  });
  await store.ping();

  const cut = await proxy.stop();
  await log.lostAtLeast(cut);
  expect(cut).toBeGreaterThan(0);
  await expect(store.ping()).rejects.toThrow();
  await expect(store.startIntegration(startOf('int-1'))).rejects.toThrow();

  await proxy.start();
  await expect(store.ping()).resolves.toBeUndefined();
  expect(await store.startIntegration(startOf('int-1'))).toEqual({ started: true });
});
