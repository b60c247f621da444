import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import {
  ACCOUNT_PATH,
  BUNDLE_PATH,
  CA_PATH,
  documentationRequest,
  tokenExchanges,
} from '../support/requests.js';

interface Step {
  name: string;
  kind: string;
  attempts: { attempt: number; status?: number; error?: string }[];
}

function step(body: unknown, name: string, kind: string): Step | undefined {
  return (body as { steps: Step[] }).steps.find((s) => s.name === name && s.kind === kind);
}

function arrivals(requests: RecordedRequest[], method: string, path: string): number[] {
  return requests
    .filter((request) => request.method === method && request.path === path)
    .map((request) => Date.parse(request.at));
}

describe('retrying TSM calls over real HTTP', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  const create = () =>
    harness.call('POST', '/vault-integrations', { body: documentationRequest() });

  it('retries 5xx answers and succeeds', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503, count: 2 });

    const answer = await create();

    expect(answer.status).toBe(201);
    expect(step(answer.body, 'write', 'certificateAuthority')?.attempts).toMatchObject([
      { attempt: 1, status: 503 },
      { attempt: 2, status: 503 },
      { attempt: 3, status: 201 },
    ]);
  });

  it('waits as long as a 429 asks in seconds', async () => {
    harness.sim.injectFault({ method: 'PUT', path: ACCOUNT_PATH, status: 429, retryAfter: '1' });

    const answer = await create();

    expect(answer.status).toBe(201);
    const [first, second] = arrivals(harness.sim.requests(), 'PUT', ACCOUNT_PATH);
    expect(second! - first!).toBeGreaterThanOrEqual(950);
  });

  it('waits until the HTTP date a 429 names', async () => {
    const until = new Date(Date.now() + 2_000).toUTCString();
    harness.sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, status: 429, retryAfter: until });

    const answer = await create();

    expect(answer.status).toBe(201);
    const [first, second] = arrivals(harness.sim.requests(), 'PUT', BUNDLE_PATH);
    expect(second!).toBeGreaterThanOrEqual(Date.parse(until) - 50);
    expect(second! - first!).toBeGreaterThanOrEqual(950);
  });

  it('retries a dropped connection', async () => {
    harness.sim.injectFault({ method: 'PUT', path: CA_PATH, drop: true });

    const answer = await create();

    expect(answer.status).toBe(201);
    const attempts = step(answer.body, 'write', 'certificateAuthority')?.attempts ?? [];
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.error).toBeDefined();
    expect(attempts[1]?.status).toBe(201);
  });

  it('gives up on an attempt that outlasts its timeout and tries again', async () => {
    // The harness sets TSM_ATTEMPT_TIMEOUT_MS=1000.
    harness.sim.injectFault({ method: 'GET', path: ACCOUNT_PATH, delayMs: 3_000 });

    const answer = await create();

    expect(answer.status).toBe(201);
    const attempts = step(answer.body, 'read', 'account')?.attempts ?? [];
    expect(attempts[0]?.error).toMatch(/timeout/i);
    expect(attempts.at(-1)?.status).toBe(404);
  });

  it('renews an expired access token once and carries on', async () => {
    await create();
    harness.sim.reset();
    harness.sim.expireAccessTokens();
    const exchangesBefore = tokenExchanges(harness.sim);

    const answer = await create();

    expect(answer.status).toBe(201);
    expect(tokenExchanges(harness.sim) - exchangesBefore).toBe(1);
  });

  it('never retries a 4xx that is not about the token', async () => {
    harness.sim.injectFault({ method: 'PUT', path: ACCOUNT_PATH, status: 400, count: Infinity });

    const answer = await create();

    expect(answer.status).toBe(422);
    expect(
      step((answer.body as { integration: unknown }).integration, 'write', 'account')?.attempts,
    ).toHaveLength(1);
  });
});

describe('when CSP refuses the API token', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { TSM_API_TOKEN: 'revoked-token-0000' } });
  });
  afterAll(() => harness.close());

  it('still starts, is not ready, and answers 502 TSM_AUTH_FAILED without calling TSM', async () => {
    // Up but not ready: a load balancer sends it nothing until the API token is replaced.
    const ready = await harness.call('GET', '/readyz');
    expect(ready.status).toBe(503);

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      code: 'TSM_AUTH_FAILED',
      integration: { status: 'rolled_back' },
    });
    expect(harness.sim.requests().some((request) => request.path.startsWith('/tsm/'))).toBe(false);
    expect(answer.text).not.toContain('revoked-token-0000');
  });
});
