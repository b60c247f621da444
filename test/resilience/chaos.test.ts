/**
 * Chaos test: a few hundred integrations, sent sixteen at a time, into a TSM that fails at random
 * (5xx, 429 with Retry-After, resets, answers slower than the attempt timeout, writes applied but
 * their answers lost, refused steps, deletes and restores failing during compensation), some of
 * them sent twice at once. Afterwards every integration has ended, TSM holds all or none of each,
 * and every answer agrees with what TSM holds. The seed is printed; CHAOS_SEED replays a run.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallerAnswer } from './support/caller.js';
import { CHAOS_SETTINGS, planChaos } from './support/chaos-plan.js';
import { runChaos, type CaseOutcome } from './support/chaos-run.js';
import { answerViolations, leftoverAnswerViolations } from './support/chaos-verdict.js';
import { readDatabase } from './support/database-view.js';
import { ExpectationBook } from './support/expectations.js';
import {
  SERVICE_CALLER_KEY,
  startInProcessService,
  type InProcessService,
} from './support/in-process-service.js';
import { findViolations } from './support/invariant.js';
import { chaosSeed, SeededRandom } from './support/random.js';

const CASES = 300;
const CONCURRENCY = 16;
/** Past the longest wait before recovery retries a failed rollback. */
const RECOVERY_BACKOFF_CEILING_MS = 2 * 60 * 60 * 1000;

describe('chaos: random TSM faults and duplicate requests', () => {
  const seed = chaosSeed();
  const book = new ExpectationBook();
  let service: InProcessService;
  let outcomes: CaseOutcome[];

  beforeAll(async () => {
    console.log(`chaos seed: ${seed} (replay with CHAOS_SEED=${seed})`);
    service = await startInProcessService({
      TSM_MAX_ATTEMPTS: String(CHAOS_SETTINGS.maxAttempts),
      TSM_ATTEMPT_TIMEOUT_MS: String(CHAOS_SETTINGS.attemptTimeoutMs),
      TSM_BACKOFF_BASE_MS: '5',
      TSM_BACKOFF_MAX_MS: '40',
      INTEGRATION_DEADLINE_MS: '8000',
      // Recovery retries a failed rollback only when the test moves the clock: until then, what
      // a rollback_failed answer lists stays in TSM, and can be compared with it.
      RECOVERY_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'error',
    });
    const cases = planChaos(new SeededRandom(seed), CASES);
    const target = { sim: service.sim, url: service.url, callerKey: SERVICE_CALLER_KEY };
    outcomes = await runChaos(target, cases, book, CONCURRENCY);
    console.log(`chaos answers: ${tally(outcomes)}`);
  }, 120_000);

  afterAll(async () => {
    await service.close();
  });

  it(`answers every request with a final status (seed ${seed})`, () => {
    const answers = outcomes.flatMap((outcome) => outcome.answers);
    const unexpected = answers.filter(
      (answer) => ![201, 409, 422, 502, 504].includes(answer.status),
    );

    expect(unexpected.map(describeAnswer)).toEqual([]);
    // A run where nothing succeeded, or nothing failed, proves nothing.
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(201);
    expect(statuses.filter((status) => status !== 201).length).toBeGreaterThan(CASES / 10);
    expect(answers.some((answer) => answer.body.code === 'ROLLBACK_FAILED')).toBe(true);
  });

  it(`leaves TSM as each ended integration says while faults persist (seed ${seed})`, () => {
    const snapshot = readDatabase(service.dbPath);

    expect(findViolations(snapshot, service.sim, book, { allowRollbackFailed: true })).toEqual([]);
    expect(leftoverAnswerViolations(outcomes, snapshot)).toEqual([]);
  });

  it(`ends every integration clean once faults stop, and answers agree with TSM (seed ${seed})`, async () => {
    service.sim.clearFaults();

    await vi.waitFor(
      async () => {
        service.advanceClock(RECOVERY_BACKOFF_CEILING_MS);
        await service.app.integrations.sweepNow();
        const statuses = readDatabase(service.dbPath).integrations.map(
          (row) => row.integration.status,
        );
        expect(
          statuses.filter((status) => status !== 'succeeded' && status !== 'rolled_back'),
        ).toEqual([]);
      },
      { timeout: 30_000, interval: 50 },
    );

    const snapshot = readDatabase(service.dbPath);
    expect(findViolations(snapshot, service.sim, book)).toEqual([]);
    expect(answerViolations(outcomes, snapshot, service.sim, book)).toEqual([]);
  });
});

/** How many answers of each status and code, e.g. "201 × 180, 422 TSM_REJECTED × 30". */
function tally(outcomes: CaseOutcome[]): string {
  const counts = new Map<string, number>();
  for (const answer of outcomes.flatMap((outcome) => outcome.answers)) {
    const replayed = answer.headers['idempotent-replayed'] === 'true' ? ' replayed' : '';
    const key = `${answer.status} ${answer.body.code ?? ''}`.trim() + replayed;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} × ${count}`).join(', ');
}

function describeAnswer(answer: CallerAnswer): string {
  return `${answer.status} ${answer.body.code ?? ''} ${answer.body.detail ?? ''}`;
}
