/**
 * Several stores on one PostgreSQL schema, as several replicas of the service are: each with its
 * own pool, so their transactions really run side by side under READ COMMITTED. The database,
 * not the memory of any of them, decides who starts, who claims and who recovers.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import type {
  IntegrationStart,
  ResourceClaim,
  StartOutcome,
  Store,
} from '../../src/storage/store.js';
import { RUNNER, at, claimsOf, idempotencyKey, manualClock, startOf } from './store-fixtures.js';
import {
  TEST_DATABASE_URL,
  adminQuery,
  createTestSchema,
  type TestSchema,
} from './support/postgres-schemas.js';
import { storageLog } from './support/storage-log.js';
import { MIGRATION_NAMES } from '../../src/storage/migrations/index.js';

const REPLICAS = 3;
const ROUNDS = 20;

let schema: TestSchema;
let replicas: Store[] = [];

beforeEach(async () => {
  schema = await createTestSchema();
});
afterEach(async () => {
  await Promise.all(replicas.map((store) => store.close()));
  replicas = [];
  await schema.drop();
});

/**
 * Opens the replicas one after the other, so that they race on data, not on the schema. Their
 * clock stands at T0, where the fixtures' keys are live.
 */
async function openReplicas(): Promise<Store[]> {
  for (let index = 0; index < REPLICAS; index += 1) {
    const { now } = manualClock();
    replicas.push(await openStore(schema.url, { now, postgres: { poolMax: 4 } }));
  }
  return replicas;
}

/** Every replica starts its own integration in every round, all rounds at once. */
async function raceStarts(
  startFor: (replica: number, round: number) => IntegrationStart,
): Promise<StartOutcome[][]> {
  const stores = await openReplicas();
  const rounds = Array.from({ length: ROUNDS }, (_, round) =>
    Promise.all(stores.map((store, replica) => store.startIntegration(startFor(replica, round)))),
  );
  return await Promise.all(rounds);
}

/** The index of the one replica that started, asserting there is exactly one. */
function winnerOf(outcomes: StartOutcome[]): number {
  const started = outcomes.flatMap((outcome, index) => (outcome.started ? [index] : []));
  expect(started).toHaveLength(1);
  return started[0] ?? -1;
}

const idOf = (replica: number, round: number) => `r${replica}-round-${round}`;

function rotate<T>(items: T[], by: number): T[] {
  return [...items.slice(by % items.length), ...items.slice(0, by % items.length)];
}

it('lets one replica start per idempotency key; the others answer with its own', async () => {
  const outcomes = await raceStarts((replica, round) => {
    const id = idOf(replica, round);
    return startOf(id, { idempotencyKey: idempotencyKey(id, { key: `key-${round}` }) });
  });

  outcomes.forEach((round, index) => {
    const winner = idOf(winnerOf(round), index);
    for (const outcome of round.filter((each) => !each.started)) {
      expect(outcome).toMatchObject({
        reason: 'idempotency-key',
        existing: { integrationId: winner },
      });
    }
  });
});

it('lets one replica claim each resource id; the others are told who holds it', async () => {
  // Each replica lists the ids in another order, as starts that would wait on each other do.
  const claimsFor = (replica: number, round: number) => rotate(claimsOf(`round-${round}`), replica);
  const outcomes = await raceStarts((replica, round) =>
    startOf(idOf(replica, round), { claims: claimsFor(replica, round) }),
  );

  outcomes.forEach((round, index) => {
    const winner = idOf(winnerOf(round), index);
    round.forEach((outcome, replica) => {
      if (outcome.started) return;
      const [claim] = claimsFor(replica, index);
      expect(outcome).toEqual({ started: false, reason: 'claimed', claim, heldBy: winner });
    });
  });
});

it('takes claims in one order, so two starts never wait on each other in a cycle', async () => {
  const [store] = await openReplicas();
  await store?.startIntegration(startOf('holder', { claims: [] }));
  const other = await transactionHolding(schema.name, { kind: 'account', id: 'a' });

  // Listed b first, the start still claims a first: it waits there, holding no claim.
  const starting = store?.startIntegration(
    startOf('int-1', {
      claims: [
        { kind: 'caBundle', id: 'b' },
        { kind: 'account', id: 'a' },
      ],
    }),
  );
  await untilWaitingOnLock(schema.name);
  await other.claim({ kind: 'caBundle', id: 'b' });
  await other.commit();

  expect(await starting).toEqual({
    started: false,
    reason: 'claimed',
    claim: { kind: 'caBundle', id: 'b' },
    heldBy: 'holder',
  });
});

it('answers a repeated request by its key, not by the claims its first run holds', async () => {
  const outcomes = await raceStarts((replica, round) =>
    startOf(idOf(replica, round), {
      claims: claimsOf(`round-${round}`),
      idempotencyKey: idempotencyKey(idOf(replica, round), { key: `key-${round}` }),
    }),
  );

  outcomes.forEach((round, index) => {
    const winner = idOf(winnerOf(round), index);
    for (const outcome of round.filter((each) => !each.started)) {
      expect(outcome).toMatchObject({
        reason: 'idempotency-key',
        existing: { integrationId: winner },
      });
    }
  });
});

it('hands each integration whose runner is gone to exactly one recovering replica', async () => {
  const stores = await openReplicas();
  const ids = Array.from({ length: 30 }, (_, index) => `int-${index}`);
  for (const id of ids) await stores[0]?.startIntegration(startOf(id));

  const taken = await Promise.all(
    stores.map((store, replica) =>
      store.takeOverForRecovery({ owner: `recovery-${replica}`, expiresAt: at(90) }, at(60), 500),
    ),
  );

  const owners = new Map<string, string>();
  taken.forEach((candidates, replica) => {
    for (const { state } of candidates) {
      expect(owners.has(state.integration.id)).toBe(false);
      owners.set(state.integration.id, `recovery-${replica}`);
    }
  });
  expect([...owners.keys()].toSorted()).toEqual(ids.toSorted());
  // The lease each one got is the one the database holds: only its taker can write it.
  for (const [id, owner] of owners) {
    expect(await stores[1]?.renewLease(id, RUNNER, at(120))).toBe(false);
    expect(await stores[2]?.renewLease(id, owner, at(120))).toBe(true);
  }
});

it('migrates a fresh schema once when several replicas start at the same moment', async () => {
  const logs = Array.from({ length: 5 }, () => storageLog());

  replicas = await Promise.all(
    logs.map((logger) => openStore(schema.url, { logger, postgres: { poolMax: 2 } })),
  );

  expect(logs.flatMap((log) => log.applied)).toEqual(MIGRATION_NAMES);
  const outcomes = await Promise.all(
    replicas.map((store, index) => store.startIntegration(startOf(`int-${index}`))),
  );
  expect(outcomes.every((outcome) => outcome.started)).toBe(true);
});

/** Another session's open transaction that claims ids for the integration "holder". */
async function transactionHolding(schemaName: string, first: ResourceClaim) {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  const claim = async ({ kind, id }: ResourceClaim) => {
    await client.query(`insert into ${schemaName}.resource_claims values ($1, $2, 'holder', $3)`, [
      kind,
      id,
      at(0),
    ]);
  };
  await client.query('begin');
  await claim(first);
  return {
    claim,
    commit: async () => {
      await client.query('commit');
      await client.end();
    },
  };
}

/** Resolves once a connection of the schema's stores waits for a lock another session holds. */
async function untilWaitingOnLock(schemaName: string): Promise<void> {
  // The server has no event for it: ask until it says so, within a bound.
  for (let asked = 0; asked < 500; asked += 1) {
    const rows = await adminQuery(
      "select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
      [schemaName],
    );
    if (rows.length > 0) return;
  }
  throw new Error('the start never waited for the claim the other session holds');
}
