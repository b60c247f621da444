/**
 * Stopping the service in the middle of an integration: it stops taking requests, lets the
 * integration go on for SHUTDOWN_GRACE_MS, then halts it, gives its lease up and answers 503;
 * the next start's recovery rolls it back, and the caller's retry with the same key runs afresh.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { CA_PATH, documentationRequest, tsmWrites } from '../support/requests.js';

interface IntegrationJson {
  id: string;
  status: string;
  steps: { name: string; kind: string; result: string }[];
}

/** Resolves once the integration's account write has succeeded: the CA PUT is next. */
async function accountWritten(harness: Harness): Promise<IntegrationJson> {
  return vi.waitFor(
    async () => {
      const page = await harness.call('GET', '/vault-integrations?status=in_progress');
      const [running] = (page.body as { integrations: IntegrationJson[] }).integrations;
      const wrote = running?.steps.some(
        (step) => step.name === 'write' && step.kind === 'account' && step.result === 'succeeded',
      );
      if (running === undefined || wrote !== true) throw new Error('not yet');
      return running;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe('stopping the service while an integration runs', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const harness of harnesses.reverse()) await harness.close();
    harnesses.length = 0;
  });

  it('hands the integration to recovery, which rolls it back at the next start', async () => {
    const env = { SHUTDOWN_GRACE_MS: '200', LEASE_DURATION_MS: '60000' };
    const first = await startHarness({ env });
    harnesses.push(first);
    first.sim.injectFault({ method: 'PUT', path: CA_PATH, delayMs: 8_000 });
    const headers = { 'idempotency-key': 'ticket-1234' };

    const answered = first.call('POST', '/vault-integrations', {
      body: documentationRequest(),
      headers,
    });
    const running = await accountWritten(first);
    await first.app.close();
    const answer = await answered;

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      code: 'INTEGRATION_INTERRUPTED',
      integration: { id: running.id, status: 'in_progress' },
    });
    // The lease was given up: a new start recovers it at once, not LEASE_DURATION_MS later.
    const second = await startHarness({ env, reuse: { sim: first.sim, dbPath: first.dbPath } });
    harnesses.push(second);
    const recovered = await vi.waitFor(
      async () => {
        const read = await second.call('GET', `/vault-integrations/${running.id}`);
        const integration = read.body as IntegrationJson & { failure?: { code: string } };
        if (integration.status !== 'rolled_back') throw new Error(integration.status);
        return integration;
      },
      { timeout: 5_000, interval: 50 },
    );

    expect(recovered.failure?.code).toBe('INTEGRATION_INTERRUPTED');
    expect([...second.sim.resources('certificates').keys()]).toEqual([]);
    expect([...second.sim.resources('external-accounts').keys()]).toEqual([]);
    expect([...second.sim.resources('certificate-authorities').keys()]).toEqual([]);

    second.sim.clearFaults();
    second.sim.clearRequests();
    const retry = await second.call('POST', '/vault-integrations', {
      body: documentationRequest(),
      headers,
    });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(tsmWrites(second.sim)).toHaveLength(3);
  });

  it('lets an integration that ends within the grace period finish normally', async () => {
    const harness = await startHarness({ env: { SHUTDOWN_GRACE_MS: '5000' } });
    harnesses.push(harness);
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, delayMs: 300 });

    const answered = harness.call('POST', '/vault-integrations', { body: documentationRequest() });
    await accountWritten(harness);
    await harness.app.close();

    expect((await answered).status).toBe(201);
  });
});
