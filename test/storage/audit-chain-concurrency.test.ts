/**
 * Appends racing each other still form one chain: many transactions of one store on SQLite, and
 * three stores (as three replicas) with their own pools on one PostgreSQL schema, where the
 * appends really run side by side.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-verifier.js';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { auditEntry, startOf } from './store-fixtures.js';
import { adminQuery, createTestSchema, type TestSchema } from './support/postgres-schemas.js';

const ROUNDS = 20;
const cleanUps: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanUp of cleanUps.reverse()) await cleanUp();
});

/** Every store appends two records and starts an integration in every round, all at once. */
async function race(stores: Store[]): Promise<void> {
  await Promise.all(
    Array.from({ length: ROUNDS }, (_, round) =>
      stores.map(async (store, replica) => {
        const id = `r${replica}-round-${round}`;
        await store.appendAudit([
          auditEntry({ requestId: `${id}-a`, integrationId: id }),
          auditEntry({ requestId: `${id}-b`, integrationId: id, action: 'tsm.call' }),
        ]);
        await store.startIntegration(startOf(id));
      }),
    ).flat(),
  );
}

it('chains every append of one SQLite store run side by side', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'audit-chain-race-'));
  cleanUps.push(() => rm(folder, { recursive: true, force: true }));
  const store = await openStore(join(folder, 'store.db'));
  cleanUps.push(() => store.close());

  await race([store]);
  const verification = await verifyAuditChain(store);

  const { records } = await store.queryAudit({ limit: 500 });
  expect(verification).toMatchObject({ valid: true, checked: records.length });
  expect(verification.head.sequence).toBe(records.length);
  expect(records.length).toBeGreaterThanOrEqual(ROUNDS * 3);
});

it('chains every append of three replicas on one PostgreSQL schema', async () => {
  const schema: TestSchema = await createTestSchema();
  cleanUps.push(() => schema.drop());
  const replicas: Store[] = [];
  for (let index = 0; index < 3; index += 1) {
    replicas.push(await openStore(schema.url, { postgres: { poolMax: 4 } }));
  }
  cleanUps.push(() => Promise.all(replicas.map((store) => store.close())));

  await race(replicas);
  const verification = await verifyAuditChain(replicas[0] as Store);

  const [{ count } = { count: '0' }] = await adminQuery<{ count: string }>(
    `select count(*) as count from ${schema.name}.audit_records`,
  );
  expect(Number(count)).toBeGreaterThanOrEqual(3 * ROUNDS * 3);
  expect(verification).toMatchObject({ valid: true, checked: Number(count) });
  expect(verification.head.sequence).toBe(Number(count));
});
