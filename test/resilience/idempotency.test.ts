/**
 * Idempotency-Key and concurrency over real HTTP: what a caller that retries, double-clicks or
 * races another caller gets back, and what reaches TSM each time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import { callService, type CallerAnswer } from './support/caller.js';
import { arrivalOf, latch } from './support/latches.js';
import { namedRequest, tsmPathOf } from './support/requests.js';

const OTHER_CALLER_KEY = 'automation-key-fedcba9876543210';

describe('Idempotency-Key and concurrent requests', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: { API_KEYS: `portal=${CALLER_KEY},automation=${OTHER_CALLER_KEY}` },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.sim.reset());

  function post(
    body: unknown,
    idempotencyKey?: string,
    headers: Record<string, string> = {},
  ): Promise<CallerAnswer> {
    return callService(harness.url, 'POST', '/vault-integrations', {
      body,
      callerKey: CALLER_KEY,
      idempotencyKey,
      headers,
    });
  }

  /** Every call that reached TSM or CSP, as "METHOD path". */
  function tsmCalls(): string[] {
    return harness.sim.requests().map((request) => `${request.method} ${request.path}`);
  }

  /** The writes TSM received, as "METHOD path". */
  function tsmWrites(): string[] {
    return tsmCalls().filter((call) => /^(PUT|DELETE) \/tsm\//.test(call));
  }

  it('replays a finished integration for the same key and body, without calling TSM', async () => {
    const request = namedRequest('replay');
    const first = await post(request, 'replay-key');
    harness.sim.clearRequests();

    const replay = await post(request, 'replay-key');

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.body).toEqual(first.body);
    expect(tsmCalls()).toEqual([]);
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, no TSM call', async () => {
    const first = await post(namedRequest('reused'), 'reused-key');
    harness.sim.clearRequests();

    const other = await post(namedRequest('reused-other'), 'reused-key');

    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      integrationId: first.body.id,
    });
    expect(tsmCalls()).toEqual([]);
  });

  it('answers 409 INTEGRATION_IN_PROGRESS for the same key while the first still runs', async () => {
    const request = namedRequest('running');
    const gate = latch();
    const caPath = tsmPathOf(request, 'certificateAuthority');
    harness.sim.injectFault({ method: 'PUT', path: caPath, releasedBy: gate.opened });
    const held = arrivalOf(harness.sim, 'PUT', caPath);
    const first = post(request, 'running-key');
    await held;

    const second = await post(request, 'running-key');
    gate.open();

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'INTEGRATION_IN_PROGRESS' });
    const finished = await first;
    expect(finished.status).toBe(201);
    expect(second.body.integrationId).toBe(finished.body.id);
    expect(tsmWrites().filter((call) => call === `PUT ${caPath}`)).toHaveLength(1);
  });

  it('stores nothing under the key of a request refused by validation', async () => {
    const invalid = namedRequest('refused');
    invalid.account.vaultUrl = 'ftp://vault.example.internal';

    const refused = await post(invalid, 'refused-key');
    const valid = await post(namedRequest('refused'), 'refused-key');

    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(valid.status).toBe(201);
    expect(valid.headers['idempotent-replayed']).toBeUndefined();
    expect(tsmWrites()).toHaveLength(3);
  });

  it('scopes keys to their caller: two callers with the same key both run', async () => {
    const request = namedRequest('scoped');

    const portal = await post(request, 'shared-key');
    const automation = await callService(harness.url, 'POST', '/vault-integrations', {
      body: request,
      callerKey: OTHER_CALLER_KEY,
      idempotencyKey: 'shared-key',
    });

    expect(portal.status).toBe(201);
    expect(automation.status).toBe(201);
    expect(automation.headers['idempotent-replayed']).toBeUndefined();
    expect(automation.body.id).not.toBe(portal.body.id);
    expect(automation.body).toMatchObject({ actor: 'automation' });
  });

  it('replays a failed integration with its status and body', async () => {
    const request = namedRequest('failed');
    const caPath = tsmPathOf(request, 'certificateAuthority');
    harness.sim.injectFault({ method: 'PUT', path: caPath, status: 400 });
    const first = await post(request, 'failed-key');
    harness.sim.clearRequests();

    const replay = await post(request, 'failed-key');

    expect(first.status).toBe(422);
    expect(first.body.code).toBe('TSM_REJECTED');
    expect(replay.status).toBe(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-type']).toBe(first.headers['content-type']);
    expect(replay.body).toEqual(first.body);
    expect(tsmCalls()).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['not ASCII', 'schlüssel-1'],
    ['holding a space', 'two words'],
  ])('refuses an Idempotency-Key that is %s with 400, calling no TSM', async (_case, key) => {
    const answer = await post(namedRequest('bad-key'), undefined, { 'idempotency-key': key });

    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(tsmCalls()).toEqual([]);
  });

  it('accepts an Idempotency-Key of 255 characters', async () => {
    const answer = await post(namedRequest('long-key'), 'k'.repeat(255));

    expect(answer.status).toBe(201);
  });

  it('lets one of two requests for the same resources proceed; the other gets 409', async () => {
    const request = namedRequest('raced');
    const gate = latch();
    // Whichever reads first is held until the other has its answer, so the two overlap.
    const caPath = tsmPathOf(request, 'certificateAuthority');
    harness.sim.injectFault({ method: 'GET', path: caPath, releasedBy: gate.opened });

    const both = [post(request), post(request)];
    const refused = await Promise.race(both);
    gate.open();
    const answers = await Promise.all(both);

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'INTEGRATION_IN_PROGRESS',
      resource: { kind: 'caBundle', id: 'raced-bundle' },
    });
    expect(refused.body.detail).toContain('raced-bundle');
    const winner = answers.find((answer) => answer.status === 201);
    const requestIds = harness.sim
      .requests()
      .filter((call) => call.path.startsWith('/tsm/'))
      .map((call) => call.headers['x-request-id']);
    expect(new Set(requestIds)).toEqual(new Set([winner?.headers['x-request-id']]));
    expect(tsmWrites().sort()).toEqual(
      (['caBundle', 'account', 'certificateAuthority'] as const)
        .map((kind) => `PUT ${tsmPathOf(request, kind)}`)
        .sort(),
    );
  });
});
