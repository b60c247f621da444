import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startHarness,
  CALLER_KEY,
  SIM_API_TOKEN,
  type Harness,
} from '../support/service-harness.js';
import { ACCOUNT_PATH, BUNDLE_PATH, CA_PATH, documentationRequest } from '../support/requests.js';
import { scrape, valueOf, type Samples } from './support/scrape.js';

const P = 'tsm_vault_';

describe('/metrics after real integrations', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '200' } });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  const create = (headers: Record<string, string> = {}) =>
    harness.call('POST', '/vault-integrations', { body: documentationRequest(), headers });

  it('counts a success, its TSM attempts by resource, method and status, and the token', async () => {
    const answer = await create();
    expect(answer.status).toBe(201);

    const { samples } = await scrape(harness);
    expect(
      valueOf(samples, `${P}integrations_total`, { origin: 'live', outcome: 'succeeded' }),
    ).toBe(1);
    const attempts = `${P}tsm_attempt_duration_seconds_count`;
    expect(valueOf(samples, attempts, { resource: 'caBundle', method: 'GET', status: '404' })).toBe(
      1,
    );
    expect(valueOf(samples, attempts, { resource: 'caBundle', method: 'PUT', status: '201' })).toBe(
      1,
    );
    expect(valueOf(samples, attempts, { resource: 'certificateAuthority', method: 'PUT' })).toBe(1);
    expect(
      valueOf(samples, attempts, { resource: 'accessToken', method: 'POST', status: '200' }),
    ).toBe(1);
    expect(valueOf(samples, `${P}csp_token_exchanges_total`, { result: 'obtained' })).toBe(1);
    expect(
      valueOf(samples, `${P}integration_duration_seconds_count`, { outcome: 'succeeded' }),
    ).toBe(1);
  });

  it('counts a retry, a rollback and an idempotent replay', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503 });
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
    const before = (await scrape(harness)).samples;

    const failed = await create({ 'idempotency-key': 'metrics-replay-1' });
    expect(failed.status).toBe(422);
    const replay = await create({ 'idempotency-key': 'metrics-replay-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const after = (await scrape(harness)).samples;
    const grew = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(grew(`${P}tsm_retries_total`, { resource: 'certificateAuthority', method: 'PUT' })).toBe(
      1,
    );
    expect(grew(`${P}rollbacks_total`, { origin: 'live', outcome: 'rolled_back' })).toBe(1);
    expect(grew(`${P}integrations_total`, { origin: 'live', outcome: 'rolled_back' })).toBe(1);
    expect(grew(`${P}idempotent_answers_total`, { answer: 'replayed' })).toBe(1);
    const deletes = { method: 'DELETE', status: '200' };
    expect(
      grew(`${P}tsm_attempt_duration_seconds_count`, { resource: 'account', ...deletes }),
    ).toBe(1);
    expect(
      grew(`${P}tsm_attempt_duration_seconds_count`, { resource: 'caBundle', ...deletes }),
    ).toBe(1);
  });

  it('counts a conflict found before any write as rolled_back, and no rollback', async () => {
    harness.sim.seed('external-accounts', 'my-vault-account', {
      name: 'my-vault-account',
      description: 'set up by hand',
      provider: 'VAULT',
      provider_url: 'https://other-vault.example.internal:8200',
    });
    const before = (await scrape(harness)).samples;

    const answer = await create();
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      code: 'TSM_RESOURCE_EXISTS',
      integration: { status: 'rolled_back' },
    });

    const after = (await scrape(harness)).samples;
    const grew = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    // The outcome is the integration's status; rollbacks_total tells whether anything was undone.
    expect(grew(`${P}integrations_total`, { origin: 'live', outcome: 'rolled_back' })).toBe(1);
    expect(grew(`${P}rollbacks_total`, { origin: 'live', outcome: 'rolled_back' })).toBe(0);
  });

  it('counts a token renewal when TSM refuses an expired access token', async () => {
    expect((await create()).status).toBe(201);
    // Forgets the resources and expires the token the client holds.
    harness.sim.reset();
    const before = (await scrape(harness)).samples;

    expect((await create()).status).toBe(201);

    const after = (await scrape(harness)).samples;
    const grew = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(grew(`${P}csp_token_exchanges_total`, { result: 'obtained' })).toBe(1);
    const refused = { resource: 'caBundle', method: 'GET', status: '401' };
    expect(grew(`${P}tsm_attempt_duration_seconds_count`, refused)).toBe(1);
  });

  it('counts what a recovery sweep finished after a failed rollback', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 400 });
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 400 });
    const before = (await scrape(harness)).samples;

    const answer = await create();
    expect(answer.body).toMatchObject({ integration: { status: 'rollback_failed' } });

    await vi.waitFor(
      async () => {
        const { samples } = await scrape(harness);
        const recovered = { origin: 'recovery', outcome: 'rolled_back' };
        expect(valueOf(samples, `${P}rollbacks_total`, recovered)).toBe(1);
        expect(valueOf(samples, `${P}integrations_total`, recovered)).toBe(1);
        expect(valueOf(samples, `${P}recovered_integrations_total`)).toBe(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    const after = (await scrape(harness)).samples;
    const live = { origin: 'live', outcome: 'rollback_failed' };
    expect(
      valueOf(after, `${P}rollbacks_total`, live) - valueOf(before, `${P}rollbacks_total`, live),
    ).toBe(1);
    expect(valueOf(after, `${P}recovery_sweeps_total`, { result: 'completed' })).toBeGreaterThan(1);
    expect(harness.sim.resource('external-accounts', 'my-vault-account')).toBeUndefined();
  });

  it('carries process metrics and no id, path, actor or secret', async () => {
    const created = await create();
    const id = (created.body as { id: string }).id;

    const { samples, text } = await scrape(harness);

    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const forbidden of [id, 'my-vault-account', BUNDLE_PATH, 'portal', CALLER_KEY]) {
      expect(text).not.toContain(forbidden);
    }
    expect(text).not.toContain(SIM_API_TOKEN);
    expect(text).not.toMatch(/sim-access-token|Bearer/i);
  });

  it('leaves scrapes out of the audit trail, as it does probes', async () => {
    await harness.call('GET', '/metrics', { headers: { 'x-request-id': 'scrape-audit-1' } });
    await harness.call('GET', '/vault-integrations', {
      headers: { 'x-request-id': 'listing-audit-1' },
    });

    // A request's record is written just after its answer: wait for the later one.
    const requestIds = await vi.waitFor(async () => {
      const trail = await harness.call('GET', '/audit-records?action=http.request&limit=500');
      const records = (trail.body as { records: { requestId: string }[] }).records;
      const ids = records.map((record) => record.requestId);
      expect(ids).toContain('listing-audit-1');
      return ids;
    });
    expect(requestIds).not.toContain('scrape-audit-1');
  });

  it('asks for the caller key by default', async () => {
    const answer = await harness.call('GET', '/metrics', { headers: { authorization: '' } });

    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });
});

describe('/metrics after deletions', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '200' } });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  const createdId = async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    expect(answer.status).toBe(201);
    return (answer.body as { id: string }).id;
  };
  const remove = (id: string) => harness.call('DELETE', `/vault-integrations/${id}`);
  const growth = async (before: Samples) => {
    const after = (await scrape(harness)).samples;
    return (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
  };
  const DELETIONS = `${P}integration_deletions_total`;
  const DELETION_DURATIONS = `${P}integration_deletion_duration_seconds_count`;

  it('counts a DELETE that removed everything as deleted', async () => {
    const id = await createdId();
    const before = (await scrape(harness)).samples;

    expect((await remove(id)).status).toBe(200);

    const grew = await growth(before);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'deleted' })).toBe(1);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'delete_failed' })).toBe(0);
    expect(grew(DELETION_DURATIONS, { origin: 'live', outcome: 'deleted' })).toBe(1);
    // A deletion is not an integration run: the create series stay as they were.
    expect(grew(`${P}integrations_total`, { origin: 'live', outcome: 'succeeded' })).toBe(0);
  });

  it('counts a DELETE that failed for good as delete_failed', async () => {
    const id = await createdId();
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 400 });
    const before = (await scrape(harness)).samples;

    const answer = await remove(id);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'DELETE_FAILED' });

    const grew = await growth(before);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'delete_failed' })).toBe(1);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'deleted' })).toBe(0);
    expect(grew(DELETION_DURATIONS, { origin: 'live', outcome: 'delete_failed' })).toBe(1);
  });

  it('leaves a DELETE refused because the CA label is in use out of the deletions', async () => {
    const id = await createdId();
    harness.sim.markInUse('certificate-authorities', 'my-vault-ca-configuration', true);
    const before = (await scrape(harness)).samples;

    expect((await remove(id)).status).toBe(409);

    const grew = await growth(before);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'deleted' })).toBe(0);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'delete_failed' })).toBe(0);
  });

  it('counts a deletion recovery finished under origin recovery', async () => {
    const id = await createdId();
    const before = (await scrape(harness)).samples;
    // A replica started the deletion and died before its first DELETE.
    const state = await harness.store.getIntegrationState(id);
    if (state === undefined) throw new Error('the integration was not stored');
    const started = await harness.store.startDeletion({
      state: { ...state, integration: { ...state.integration, status: 'deleting' } },
      expectedStatus: 'succeeded',
      claims: state.journal.map(({ kind, id: resourceId }) => ({ kind, id: resourceId })),
      lease: { owner: 'crashed-replica', expiresAt: new Date(Date.now() - 1000).toISOString() },
      audit: [],
    });
    expect(started).toEqual({ started: true });

    await vi.waitFor(
      async () => {
        const grew = await growth(before);
        expect(grew(DELETIONS, { origin: 'recovery', outcome: 'deleted' })).toBe(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    const grew = await growth(before);
    expect(grew(DELETIONS, { origin: 'live', outcome: 'deleted' })).toBe(0);
    expect(grew(DELETION_DURATIONS, { origin: 'recovery', outcome: 'deleted' })).toBe(1);
  });
});

describe('/metrics and scopes', () => {
  const SCRAPER_KEY = 'scraper-key-0123456789abcdef';
  const AUDITOR_KEY = 'auditor-key-0123456789abcdef';
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: {
        API_KEYS: `prometheus[metrics:read]=${SCRAPER_KEY},siem[audit:read]=${AUDITOR_KEY}`,
      },
    });
  });
  afterAll(() => harness.close());

  it('answers a key that holds metrics:read, and only that route', async () => {
    const scrapeAnswer = await harness.call('GET', '/metrics', {
      headers: { authorization: `Bearer ${SCRAPER_KEY}` },
    });
    const writeAnswer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
      headers: { authorization: `Bearer ${SCRAPER_KEY}` },
    });

    expect(scrapeAnswer.status).toBe(200);
    expect(writeAnswer.status).toBe(403);
  });

  it('refuses a key without metrics:read with 403 naming the scope', async () => {
    const answer = await harness.call('GET', '/metrics', {
      headers: { authorization: `Bearer ${AUDITOR_KEY}` },
    });

    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      requiredScope: 'metrics:read',
    });
  });
});

describe('/metrics with METRICS_PUBLIC=true', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { METRICS_PUBLIC: 'true' } });
  });
  afterAll(() => harness.close());

  it('answers a scraper without a caller key, in the Prometheus text format', async () => {
    const answer = await harness.call('GET', '/metrics', { headers: { authorization: '' } });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.text).toContain(`# TYPE ${P}integrations_total counter`);
  });

  it('still keeps every other route behind the caller key', async () => {
    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { authorization: '' },
    });

    expect(answer.status).toBe(401);
  });
});
