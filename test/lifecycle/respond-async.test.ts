/**
 * POST /vault-integrations with Prefer: respond-async over real HTTP against the simulator: 202
 * with Location at once, progress visible step by step, and a callback from the allow-list
 * notified once at the end, retried while it fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest } from '../support/requests.js';
import { expectStatus } from '../http/support/http-expectations.js';
import {
  ALL_THREE,
  NOTHING,
  auditActions,
  storedIds,
  waitForIntegration,
  type IntegrationView,
  type ProblemView,
} from './support.js';

const ASYNC = { prefer: 'respond-async' };

/** A receiver of callbacks on loopback that fails its first `failures` deliveries with 503. */
async function startReceiver(failures: number) {
  const state = { failures };
  const received: { path: string; body: IntegrationView; answered: number }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const answered = received.length < state.failures ? 503 : 204;
      received.push({
        path: request.url ?? '',
        body: JSON.parse(text) as IntegrationView,
        answered,
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('an integration run asynchronously', () => {
  let harness: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    receiver = await startReceiver(2);
    harness = await startHarness({
      env: { CALLBACK_URL_ALLOWLIST: `${receiver.base}/hooks/` },
    });
  });
  afterEach(async () => {
    await harness.close();
    await receiver.close();
  });

  const post = (headers: Record<string, string>) =>
    harness.call('POST', '/vault-integrations', { body: documentationRequest(), headers });

  it('answers 202 with Location at once, and shows each step as it happens', async () => {
    let release = () => {};
    harness.sim.injectFault({
      method: 'PUT',
      path: '/tsm/v1alpha2/projects/default/certificate-authorities/*',
      releasedBy: new Promise<void>((resolve) => (release = resolve)),
    });

    const answer = await post(ASYNC);

    const accepted = expectStatus<IntegrationView>(answer, 202);
    expect(accepted.status).toBe('in_progress');
    expect(answer.headers.location).toBe(`/vault-integrations/${accepted.id}`);
    expect(answer.headers['preference-applied']).toBe('respond-async');
    const midway = await waitForIntegration(harness, accepted.id, (integration) =>
      integration.steps.some((step) => step.name === 'write' && step.kind === 'account'),
    );
    expect(midway.status).toBe('in_progress');
    expect(midway.steps.filter((step) => step.name === 'write').map((step) => step.kind)).toEqual([
      'caBundle',
      'account',
    ]);

    release();
    const done = await waitForIntegration(harness, accepted.id, (i) => i.status !== 'in_progress');
    expect(done.status).toBe('succeeded');
    expect(storedIds(harness)).toEqual(ALL_THREE);
  });

  it('notifies the callback once at the end, retrying while it fails', async () => {
    const answer = await post({ ...ASYNC, 'x-callback-url': `${receiver.base}/hooks/CHG-1?t=x` });
    const accepted = expectStatus<IntegrationView>(answer, 202);

    await vi.waitFor(
      async () => {
        expect(await auditActions(harness, accepted.id)).toContain('callback.delivered');
      },
      { timeout: 10_000, interval: 50 },
    );

    expect(receiver.received.map((delivery) => delivery.answered)).toEqual([503, 503, 204]);
    expect(receiver.received.map((delivery) => delivery.path)).toEqual(
      Array.from({ length: 3 }, () => '/hooks/CHG-1?t=x'),
    );
    expect(receiver.received.at(-1)?.body).toMatchObject({ id: accepted.id, status: 'succeeded' });
    const records = await harness.store.queryAudit({ action: 'callback.delivered', limit: 5 });
    expect(records.records.map((record) => record.details)).toEqual([
      { target: `${receiver.base}/hooks/CHG-1`, attempts: 3, status: 204 },
    ]);
  });

  it('gives a failing callback up after the attempts of a TSM call, audited', async () => {
    receiver.state.failures = Infinity;

    const answer = await post({ ...ASYNC, 'x-callback-url': `${receiver.base}/hooks/down` });
    const accepted = expectStatus<IntegrationView>(answer, 202);

    await vi.waitFor(
      async () => {
        expect(await auditActions(harness, accepted.id)).toContain('callback.failed');
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(receiver.received).toHaveLength(harness.config.retry.maxAttempts);
    expect(await auditActions(harness, accepted.id)).not.toContain('callback.delivered');
  });

  it('refuses a callback URL outside the allow-list, and one without respond-async', async () => {
    const outside = await post({ ...ASYNC, 'x-callback-url': `${receiver.base}/elsewhere` });
    const lookalike = await post({
      ...ASYNC,
      'x-callback-url': `${receiver.base.replace('127.0.0.1', 'localhost')}/hooks/`,
    });
    const waiting = await post({ 'x-callback-url': `${receiver.base}/hooks/a` });

    for (const refused of [outside, lookalike, waiting]) {
      expect(expectStatus<ProblemView>(refused, 400).errors).toEqual([
        expect.objectContaining({ pointer: '/X-Callback-Url', code: 'INVALID_VALUE' }),
      ]);
    }
    expect(storedIds(harness)).toEqual(NOTHING);
    expect(receiver.received).toEqual([]);
  });

  it('refuses in a preview the callback headers that the real call refuses, alike', async () => {
    const preview = (headers: Record<string, string>) =>
      harness.call('POST', '/vault-integrations?dryRun=true', {
        body: documentationRequest(),
        headers,
      });
    for (const headers of [
      { ...ASYNC, 'x-callback-url': `${receiver.base}/elsewhere` },
      { 'x-callback-url': `${receiver.base}/hooks/a` },
    ]) {
      const previewed = expectStatus<ProblemView>(await preview(headers), 400);
      const created = expectStatus<ProblemView>(await post(headers), 400);

      expect(previewed.errors).toEqual([
        expect.objectContaining({ pointer: '/X-Callback-Url', code: 'INVALID_VALUE' }),
      ]);
      expect(previewed.errors).toEqual(created.errors);
    }
    const previews = await harness.store.queryAudit({ action: 'integration.previewed', limit: 5 });
    expect(previews.records).toEqual([]);

    const allowed = { ...ASYNC, 'x-callback-url': `${receiver.base}/hooks/CHG-2` };
    expect(expectStatus<{ dryRun: boolean }>(await preview(allowed), 200).dryRun).toBe(true);
    expect(storedIds(harness)).toEqual(NOTHING);
    expect(receiver.received).toEqual([]);
  });

  it('answers as a waited-for create when the integration cannot start', async () => {
    const first = expectStatus<IntegrationView>(await post({ 'idempotency-key': 'k-1' }), 201);

    const replay = await post({ ...ASYNC, 'idempotency-key': 'k-1' });

    expect(expectStatus<IntegrationView>(replay, 201).id).toBe(first.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});
