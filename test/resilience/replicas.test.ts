/**
 * Three replicas of the service, each a child process as an operator runs it, on one PostgreSQL
 * schema and one simulated TSM. A burst spread over all three holds chaos cases (TSM faults),
 * duplicates sent to two replicas under one Idempotency-Key, and pairs of requests in conflict
 * over one account id; one replica is killed with SIGKILL in the middle of it, while it holds
 * integrations at every step boundary. The survivors' recovery must end all of them whole: TSM
 * holds all or none of each integration, each conflict has one winner, each duplicate replays or
 * is refused as in progress, and each audit trail is complete. The seed is printed; CHAOS_SEED
 * replays a run.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createTestSchema, type TestSchema } from '../storage/support/postgres-schemas.js';
import { CHAOS_SETTINGS } from './support/chaos-plan.js';
import { postCase } from './support/chaos-run.js';
import { answerViolations } from './support/chaos-verdict.js';
import {
  answeredDoomed,
  cutOffs,
  cutOffViolations,
  retryViolations,
  type CutOff,
} from './support/cut-off-verdict.js';
import type { DatabaseSnapshot } from './support/database-view.js';
import { ExpectationBook } from './support/expectations.js';
import { findViolations } from './support/invariant.js';
import { readPostgresDatabase } from './support/postgres-view.js';
import { chaosSeed, SeededRandom } from './support/random.js';
import { ReplicaBurst, sendDoomed, type SentAnswer } from './support/replica-burst.js';
import { DOOMED_REPLICA, planReplicaBurst, SURVIVORS } from './support/replica-plan.js';
import { ReplicaSet } from './support/replica-set.js';
import {
  answeredOutcomes,
  conflictViolations,
  tallyAnswers,
  unexpectedAnswers,
} from './support/replica-verdict.js';

const CALLER_KEY = 'replica-test-caller-key-0123456789';
const API_TOKEN = 'replica-test-api-token-0123456789';

const BURST = { chaosCases: 36, duplicates: 4, existingAccounts: 4, conflicts: 6 };
const CONCURRENCY = 8;

/**
 * Recovery takes a dead replica's integrations over within seconds of its death; the lease is
 * still long enough that a live replica stalled by a busy machine keeps its own (at 3 s, a
 * survivor on a loaded two-core machine lost one to the other's recovery).
 */
const REPLICA_ENV = {
  LEASE_DURATION_MS: '8000',
  RECOVERY_INTERVAL_MS: '250',
  TSM_MAX_ATTEMPTS: String(CHAOS_SETTINGS.maxAttempts),
  TSM_ATTEMPT_TIMEOUT_MS: String(CHAOS_SETTINGS.attemptTimeoutMs),
  TSM_BACKOFF_BASE_MS: '5',
  TSM_BACKOFF_MAX_MS: '40',
  INTEGRATION_DEADLINE_MS: '8000',
  SHUTDOWN_GRACE_MS: '1000',
  DATABASE_POOL_MAX: '5',
  // The start-up line that gives each replica's port is logged at info.
  LOG_LEVEL: 'info',
};

/**
 * The doomed replica waits on TSM longer than the test lasts, so that what it holds at a boundary
 * stays held until it dies; the survivors time out as the chaos recipes expect.
 */
const DOOMED_ENV = { TSM_ATTEMPT_TIMEOUT_MS: '60000', INTEGRATION_DEADLINE_MS: '60000' };

/** Polls until no integration is running or left rollback_failed; the snapshot then. */
async function settled(url: string): Promise<DatabaseSnapshot> {
  return await vi.waitFor(
    async () => {
      const snapshot = await readPostgresDatabase(url);
      const unfinished = snapshot.integrations.filter(
        ({ integration }) => !['succeeded', 'rolled_back'].includes(integration.status),
      );
      if (unfinished.length > 0) {
        const listed = unfinished.map(
          ({ integration }) => `${integration.id} ${integration.status}`,
        );
        throw new Error(`not ended yet: ${listed.join(', ')}`);
      }
      return snapshot;
    },
    { timeout: 45_000, interval: 250 },
  );
}

describe('three replicas on one PostgreSQL database, one killed mid-burst', () => {
  const seed = chaosSeed();
  const book = new ExpectationBook();
  const plan = planReplicaBurst(new SeededRandom(seed), BURST);
  let schema: TestSchema;
  let sim: Simulator;
  let replicas: ReplicaSet;
  let burst: ReplicaBurst;
  let doomedAnswers: SentAnswer[];
  let snapshot: DatabaseSnapshot;

  beforeAll(async () => {
    console.log(`replica seed: ${seed} (replay with CHAOS_SEED=${seed})`);
    schema = await createTestSchema();
    sim = await startSimulator({ apiTokens: [API_TOKEN] });
    const env = {
      ...REPLICA_ENV,
      TSM_URL: sim.url,
      CSP_URL: sim.url,
      TSM_API_TOKEN: API_TOKEN,
      API_KEYS: `portal=${CALLER_KEY}`,
      DATABASE_URL: schema.url,
    };
    replicas = await ReplicaSet.start(
      [0, 1, 2].map((replica) => (replica === DOOMED_REPLICA ? { ...env, ...DOOMED_ENV } : env)),
    );
    const target = { sim, replicas, callerKey: CALLER_KEY };
    const doomed = sendDoomed(target, plan.doomed, book);
    await doomed.held;

    burst = new ReplicaBurst(target);
    const sent = burst.run(plan, book, CONCURRENCY);
    await burst.answeredAtLeast(Math.floor(plan.jobs.length / 3));
    await replicas.crash(DOOMED_REPLICA);
    await sent;
    doomedAnswers = await doomed.answers;
    // What the burst's faults did is in its answers; recovery's clean-up must not meet them.
    sim.clearFaults();
    snapshot = await settled(schema.url);
    const answers = [...burst.cases, ...burst.conflicts].flatMap((run) => run.sent);
    console.log(`replica answers: ${tallyAnswers(answers.map(({ answer }) => answer))}`);
  }, 180_000);

  afterAll(async () => {
    await replicas?.close();
    await sim?.close();
    await schema?.drop();
  });

  it('answers every request finally, but for those the dead replica cut off', () => {
    const runs = [
      ...burst.cases.map(({ chaos, sent }) => ({ name: chaos.name, sent })),
      ...burst.conflicts.map(({ pair, sent }) => ({ name: pair.name, sent })),
    ];

    expect(unexpectedAnswers(runs), replicas.output()).toEqual([]);
    expect(runs).toHaveLength(plan.jobs.length);
    // The burst reached every replica, the doomed one included, and the survivors answered.
    const sent = runs.flatMap((run) => run.sent);
    expect(new Set(sent.map(({ replica }) => replica))).toEqual(new Set([0, 1, 2]));
    const answeredBy = sent.filter(({ answer }) => answer.status !== 0);
    expect(new Set(answeredBy.map(({ replica }) => replica))).toContain(SURVIVORS[0]);
    expect(new Set(answeredBy.map(({ replica }) => replica))).toContain(SURVIVORS[1]);
  });

  it('was killed holding integrations at every step boundary, and the survivors rolled them back', () => {
    expect(answeredDoomed(plan.doomed, doomedAnswers)).toEqual([]);
    expect(cutOffViolations(cutOffs(burst.cases, plan.doomed), snapshot)).toEqual([]);
  });

  it('leaves every integration whole in TSM, with no lease, claim or gap in its audit trail', () => {
    expect(findViolations(snapshot, sim, book)).toEqual([]);
  });

  it('answers each duplicate with the same answer or 409 INTEGRATION_IN_PROGRESS, as TSM shows', () => {
    const outcomes = answeredOutcomes(burst.cases);
    const duplicates = outcomes.filter(({ chaos }) => chaos.duplicate !== undefined);

    expect(duplicates.length).toBeGreaterThanOrEqual(BURST.duplicates);
    expect(answerViolations(outcomes, snapshot, sim, book)).toEqual([]);
  });

  it('decides each conflict once: one request proceeds, the other is refused', () => {
    expect(burst.conflicts).toHaveLength(BURST.conflicts);
    expect(conflictViolations(burst.conflicts, snapshot, sim, book)).toEqual([]);
  });

  it('lets each cut-off caller retry: a replay of what had ended, else a fresh run', async () => {
    const cuts = cutOffs(burst.cases, plan.doomed);
    const retries = await Promise.all(
      cuts.map(async (cut: CutOff, index) => {
        const survivor = replicas.route(SURVIVORS[index % SURVIVORS.length] ?? 0);
        return { cut, retry: await postCase(survivor.url, CALLER_KEY, cut) };
      }),
    );

    expect(retries.flatMap(({ cut, retry }) => retryViolations(cut, snapshot, retry))).toEqual([]);
    expect(findViolations(await settled(schema.url), sim, book)).toEqual([]);
  });
});
