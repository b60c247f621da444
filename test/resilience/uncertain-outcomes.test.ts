/**
 * Calls whose outcome the service cannot know: a write TSM applies after the service gave up on
 * it, and a compensating delete TSM applied but never confirmed. Both were first seen in the
 * chaos test on a starved CPU; here each is reproduced on purpose, and the invariant is checked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callService, type CallerAnswer } from './support/caller.js';
import { readDatabase } from './support/database-view.js';
import { ExpectationBook } from './support/expectations.js';
import {
  SERVICE_CALLER_KEY,
  startInProcessService,
  type InProcessService,
} from './support/in-process-service.js';
import { findViolations } from './support/invariant.js';
import { latch } from './support/latches.js';
import { namedRequest, tsmPathOf } from './support/requests.js';

const ATTEMPT_TIMEOUT_MS = 200;
const PAST_TIMEOUT_MS = ATTEMPT_TIMEOUT_MS * 2;

/** The service with short attempts, and the expected versions of what the test sends. */
async function startService(): Promise<{ service: InProcessService; book: ExpectationBook }> {
  const service = await startInProcessService({
    TSM_MAX_ATTEMPTS: '3',
    TSM_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    TSM_BACKOFF_BASE_MS: '5',
    TSM_BACKOFF_MAX_MS: '20',
    RECOVERY_INTERVAL_MS: '3600000',
  });
  return { service, book: new ExpectationBook() };
}

/** Posts the named request, refused by TSM at step 3 so that it rolls back. */
function postRefusedAtStep3(
  service: InProcessService,
  book: ExpectationBook,
  name: string,
): Promise<CallerAnswer> {
  const request = namedRequest(name);
  book.expectRequest(request);
  const caPath = tsmPathOf(request, 'certificateAuthority');
  service.sim.injectFault({ method: 'PUT', path: caPath, status: 400 });
  return callService(service.url, 'POST', '/vault-integrations', {
    body: request,
    callerKey: SERVICE_CALLER_KEY,
  });
}

describe('a write TSM applies after the integration rolled back', () => {
  let service: InProcessService;
  let book: ExpectationBook;
  let answer: CallerAnswer;

  beforeAll(async () => {
    ({ service, book } = await startService());
    const lateDelivery = latch();
    service.sim.injectFault({
      method: 'PUT',
      path: tsmPathOf(namedRequest('late'), 'caBundle'),
      releasedBy: lateDelivery.opened,
      deliverLate: true,
    });
    answer = await postRefusedAtStep3(service, book, 'late');
    lateDelivery.open();
    await vi.waitFor(() =>
      expect(service.sim.resource('certificates', 'late-bundle')).toBeDefined(),
    );
    service.advanceClock(2 * 60 * 60 * 1000);
    await service.app.integrations.sweepNow();
  });
  afterAll(() => service.close());

  it('rolled back, then TSM applied the attempt the service had given up on', () => {
    expect(answer.body.code).toBe('TSM_REJECTED');
    const bundlePath = tsmPathOf(namedRequest('late'), 'caBundle');
    expect(service.sim.requests()).toContainEqual(
      expect.objectContaining({ method: 'PUT', path: bundlePath, status: 499 }),
    );
    expect(service.sim.resource('certificates', 'late-bundle')).toBeDefined();
  });

  // KNOWN LIMITATION (README, "Known limitations"): a PUT attempt that timed out is retried, the
  // integration then rolls back and deletes the resource, and TSM applies the first attempt
  // after all. The integration stays rolled_back with its bundle in TSM: nothing reads TSM again
  // once an integration has ended. This test fails until the service re-checks such writes.
  it.fails('is found and undone', () => {
    expect(findViolations(readDatabase(service.dbPath), service.sim, book)).toEqual([]);
  });
});

describe('a compensating delete TSM applied without ever answering', () => {
  let service: InProcessService;
  let book: ExpectationBook;
  let answer: CallerAnswer;

  beforeAll(async () => {
    ({ service, book } = await startService());
    service.sim.injectFault({
      method: 'DELETE',
      path: tsmPathOf(namedRequest('undone'), 'caBundle'),
      applyFirst: true,
      delayMs: PAST_TIMEOUT_MS,
      count: 3,
    });
    answer = await postRefusedAtStep3(service, book, 'undone');
  });
  afterAll(() => service.close());

  it('is read back, found done, and the integration ends rolled back', () => {
    expect(answer.body.code).toBe('TSM_REJECTED');
    expect(answer.body.integration?.leftInTsm).toBeUndefined();
    expect(service.sim.resource('certificates', 'undone-bundle')).toBeUndefined();
  });

  it('is not reported as left in TSM, and the invariant holds', () => {
    expect(answer.body.integration?.leftInTsm ?? []).toEqual([]);
    const snapshot = readDatabase(service.dbPath);
    expect(findViolations(snapshot, service.sim, book)).toEqual([]);
  });
});
