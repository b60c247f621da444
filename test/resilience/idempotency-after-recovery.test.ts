/**
 * The Idempotency-Key of an integration whose rollback failed: its caller was answered 502
 * ROLLBACK_FAILED, a final answer, and recovery cleaned TSM up later. What does the same key
 * get then?
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationRequest } from '../../src/domain/integration-request.js';
import { callService, integrationIdOf, type CallerAnswer } from './support/caller.js';
import {
  SERVICE_CALLER_KEY,
  startInProcessService,
  type InProcessService,
} from './support/in-process-service.js';
import { namedRequest, tsmPathOf } from './support/requests.js';

describe('the key of an integration whose rollback failed, once recovery has cleaned up', () => {
  let service: InProcessService;
  let request: IntegrationRequest;
  let first: CallerAnswer;

  const post = () =>
    callService(service.url, 'POST', '/vault-integrations', {
      body: request,
      callerKey: SERVICE_CALLER_KEY,
      idempotencyKey: 'cleaned-key',
    });

  beforeAll(async () => {
    service = await startInProcessService({
      TSM_MAX_ATTEMPTS: '2',
      TSM_BACKOFF_BASE_MS: '5',
      TSM_BACKOFF_MAX_MS: '20',
      RECOVERY_INTERVAL_MS: '3600000',
    });
    request = namedRequest('cleaned');
    const { sim } = service;
    sim.injectFault({
      method: 'PUT',
      path: tsmPathOf(request, 'certificateAuthority'),
      status: 400,
    });
    sim.injectFault({
      method: 'DELETE',
      path: tsmPathOf(request, 'account'),
      status: 503,
      count: 2,
    });
    first = await post();
    sim.clearFaults();
    service.advanceClock(2 * 60 * 60 * 1000);
    await service.app.integrations.sweepNow();
    sim.clearRequests();
  });
  afterAll(() => service.close());

  it('was answered 502 ROLLBACK_FAILED, and recovery has rolled it back since', async () => {
    expect(first.body.code).toBe('ROLLBACK_FAILED');
    const id = integrationIdOf(first) ?? '';
    expect((await service.app.integrations.get(id))?.status).toBe('rolled_back');
  });

  // FAULT IN THE SERVICE (reported to the lead): recovery lets go of the key of every integration
  // it rolls back (src/orchestration/recovery.ts, releaseKeyWhenRolledBack), also of one whose
  // caller already had its final 502 ROLLBACK_FAILED. The same key then starts a new integration
  // instead of replaying, against the README's Guarantees (502 answers are replayed under the
  // same key) and issue 3 (only an integration cut short by a stop releases its key).
  it('still replays the first integration, and calls no TSM', async () => {
    const retry = await post();

    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(integrationIdOf(retry)).toBe(integrationIdOf(first));
    expect(service.sim.requests()).toEqual([]);
  });
});
