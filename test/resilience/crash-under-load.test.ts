/**
 * A crash in the middle of many integrations at once: some writing, some compensating, some
 * replacing what was there, some already answered. After the restart every one of them must have
 * ended whole, and each caller's retry with its Idempotency-Key must either replay the answer it
 * was given or, for an integration recovery rolled back, run afresh.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IntegrationRequest } from '../../src/domain/integration-request.js';
import type { CallerAnswer } from './support/caller.js';
import { CrashBench } from './support/crash-bench.js';
import { readDatabase } from './support/database-view.js';
import { handMadeAccount, idOf, namedRequest, tsmPathOf } from './support/requests.js';

const INTEGRATIONS = 24;
/** The write at which the service dies: well into the run, long before its end. */
const CRASH_AT_WRITE = 45;

describe('a crash in the middle of many integrations', () => {
  let bench: CrashBench;

  beforeEach(async () => {
    bench = await CrashBench.open();
    await bench.startService();
  });

  afterEach(async () => {
    await bench.close();
  });

  /** Every fourth is refused at step 3 and compensates; every sixth replaces an account. */
  function prepare(index: number): IntegrationRequest {
    const request = namedRequest(`load-${index}`, index % 6 === 5 ? 'replace' : 'reject');
    bench.book.expectRequest(request);
    if (index % 6 === 5) {
      const id = idOf(request, 'account');
      bench.book.seed(bench.sim, 'external-accounts', id, handMadeAccount(id));
    }
    if (index % 4 === 3) {
      const caPath = tsmPathOf(request, 'certificateAuthority');
      bench.sim.injectFault({ method: 'PUT', path: caPath, status: 400 });
    }
    // Writes and deletes slowed, at five paces: at the crash, some integrations have been
    // answered, and the others are between two steps, forward or compensating.
    const ownPaths = new RegExp(`/load-${index}-[a-z]+$`);
    const delayMs = 20 + 70 * (index % 5);
    for (const method of ['PUT', 'DELETE']) {
      bench.sim.injectFault({ method, path: ownPaths, delayMs, count: Infinity });
    }
    return request;
  }

  it('ends every integration whole, and each retry replays or runs afresh', async () => {
    const requests = Array.from({ length: INTEGRATIONS }, (_, index) => prepare(index));
    let writes = 0;
    const crashed = bench.crashWhen((call) => call.method !== 'GET' && ++writes === CRASH_AT_WRITE);
    const firstAnswers = requests.map((request, index) =>
      bench.post(request, `load-key-${index}`).catch(() => undefined),
    );

    await crashed;
    const answered = await Promise.all(firstAnswers);
    const cutShort = readDatabase(bench.dbPath).integrations.filter(({ integration }) =>
      ['in_progress', 'rolling_back'].includes(integration.status),
    );
    expect(cutShort.length).toBeGreaterThan(0);
    bench.sim.clearFaults();

    await bench.restartAndRecoverAll();
    expect(bench.violations()).toEqual([]);

    const retries = await Promise.all(
      requests.map((request, index) => bench.post(request, `load-key-${index}`)),
    );
    retries.forEach((retry, index) => expectReplayOrFreshRun(answered[index], retry));
    expect(bench.violations()).toEqual([]);
  });
});

/** An answered request replays its answer; one the crash cut off replays or runs to 201. */
function expectReplayOrFreshRun(first: CallerAnswer | undefined, retry: CallerAnswer): void {
  if (first !== undefined) {
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.status).toBe(first.status);
  } else if (retry.headers['idempotent-replayed'] !== 'true') {
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
  }
}
