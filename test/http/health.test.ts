/** The probes an orchestrator polls: the process is up, and the database answers. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { expectProblem, expectStatus } from './support/http-expectations.js';

describe('health probes', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  it('answers /healthz with 200 {status: "ok"}', async () => {
    const answer = await harness.call('GET', '/healthz');

    expect(expectStatus(answer, 200)).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 {status: "ready"} while the database answers', async () => {
    const answer = await harness.call('GET', '/readyz');

    expect(expectStatus(answer, 200)).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 SERVICE_UNAVAILABLE once the store is closed', async () => {
    await harness.store.close();

    const answer = await harness.call('GET', '/readyz');

    const problem = expectProblem(answer, 'SERVICE_UNAVAILABLE');
    expect(problem.instance).toBe('/readyz');
    const healthz = await harness.call('GET', '/healthz');
    expect(expectStatus(healthz, 200)).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 when the database does not answer at all, instead of hanging', async () => {
    // A network that swallows packets: the ping neither succeeds nor fails.
    harness.store.ping = () => new Promise<void>(() => undefined);

    const answer = await harness.call('GET', '/readyz');

    expectProblem(answer, 'SERVICE_UNAVAILABLE');
  });
});
