import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { CA_PATH, documentationRequest } from '../support/requests.js';
import { runCli, serviceEnv } from './support.js';

/** A latch: a promise and the function that resolves it. */
function latch(): { released: Promise<void>; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

/**
 * Starts the guide's integration with its CA configuration PUT held by the simulator until the
 * latch is released, and resolves with the id once the integration is running on that PUT.
 */
async function startHeldIntegration(
  harness: Harness,
  fault: { status?: number },
): Promise<{ id: string; release: () => void; answered: Promise<unknown> }> {
  const { released, release } = latch();
  const arrived = new Promise<void>((resolve) => {
    const stop = harness.sim.onArrival((request) => {
      if (request.method !== 'PUT' || request.path !== CA_PATH) return;
      stop();
      resolve();
    });
  });
  harness.sim.injectFault({ method: 'PUT', path: CA_PATH, releasedBy: released, ...fault });
  const answered = harness.call('POST', '/vault-integrations', { body: documentationRequest() });
  await arrived;
  const running = await harness.call('GET', '/vault-integrations?status=in_progress');
  const id = (running.body as { integrations: { id: string }[] }).integrations[0]!.id;
  return { id, release, answered };
}

describe('tsm-vault-integrations show --wait', () => {
  let harness: Harness;
  beforeAll(async () => {
    // A held TSM call must outlast the client's start, and a refused one must not be retried.
    harness = await startHarness({
      env: {
        TSM_MAX_ATTEMPTS: '1',
        TSM_ATTEMPT_TIMEOUT_MS: '30000',
        INTEGRATION_DEADLINE_MS: '60000',
      },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  it('shows each step as it happens while the integration runs, and exits 0 once it succeeded', async () => {
    const held = await startHeldIntegration(harness, {});

    const run = await runCli(['show', held.id, '--wait', '--poll-interval', '0.05'], {
      env: serviceEnv(harness),
      // The last step is held until the client has shown the ones before it.
      onStderr: (soFar) => {
        if (soFar.includes('write account')) held.release();
      },
    });
    await held.answered;

    expect(run.code).toBe(0);
    const progress = run.stderr.split('\n').map((line) => line.trim().split(/\s{2,}/)[0]);
    expect(progress).toEqual([
      'read caBundle',
      'read account',
      'read certificateAuthority',
      'write caBundle',
      'write account',
      '… in_progress',
      'write certificateAuthority',
      '… succeeded',
      '',
    ]);
    expect(run.stdout).toContain(`Integration ${held.id}: succeeded`);
  });

  it('follows a failing integration through its rollback and exits 1', async () => {
    const held = await startHeldIntegration(harness, { status: 400 });

    const run = await runCli(['show', held.id, '--wait', '--poll-interval', '0.05'], {
      env: serviceEnv(harness),
      onStderr: (soFar) => {
        if (soFar.includes('write account')) held.release();
      },
    });
    await held.answered;

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/write certificateAuthority\s+failed/);
    expect(run.stderr).toContain('compensate account');
    expect(run.stderr).toContain('… rolled_back');
    expect(run.stdout).toContain(`Integration ${held.id}: rolled_back`);
    expect(run.stdout).toContain('Failure: TSM_REJECTED');
  });
});
