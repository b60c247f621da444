import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, SIM_API_TOKEN, type Harness } from '../support/service-harness.js';
import { documentationRequest, tokenExchanges } from '../support/requests.js';

const CSP_PATH = '/csp/*';

describe('/readyz when CSP refuses the API token', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { TSM_API_TOKEN: 'revoked-api-token-0123456789' } });
  });
  afterAll(() => harness.close());

  it('answers 503 with the reason, and without the token', async () => {
    const answer = await harness.call('GET', '/readyz', { headers: { authorization: '' } });

    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: 'No TSM access token: CSP refused the API token (invalid_grant).',
    });
    expect(answer.text).not.toContain('revoked-api-token');
  });
});

describe('/readyz and the access token', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { READYZ_TOKEN_CHECK_MS: '400' } });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sim.reset());

  const probe = () => harness.call('GET', '/readyz', { headers: { authorization: '' } });

  it('is ready once a token is had, and probes reuse it without reaching CSP', async () => {
    const answers = await Promise.all([probe(), probe(), probe()]);
    for (let index = 0; index < 5; index += 1) answers.push(await probe());

    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers[0]?.body).toEqual({ status: 'ready' });
    expect(tokenExchanges(harness.sim)).toBe(1);

    const created = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    expect(created.status).toBe(201);
    // The integration's calls carry the token the probe obtained.
    expect(tokenExchanges(harness.sim)).toBe(1);
  });
});

describe('/readyz when CSP is down', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { READYZ_TOKEN_CHECK_MS: '400' } });
  });
  afterAll(() => harness.close());

  const probe = () => harness.call('GET', '/readyz', { headers: { authorization: '' } });

  it('turns 503, asks CSP again only after the interval, and recovers with it', async () => {
    harness.sim.injectFault({ path: CSP_PATH, status: 503, count: Infinity });

    const failed = await probe();
    const exchangesOfOneCheck = tokenExchanges(harness.sim);
    const again = await probe();

    expect(failed.status).toBe(503);
    const problem = failed.body as { code: string; detail: string };
    expect(problem.code).toBe('SERVICE_UNAVAILABLE');
    expect(problem.detail).toMatch(/^No TSM access token: .*CSP answered 503/);
    expect(again.status).toBe(503);
    expect(exchangesOfOneCheck).toBeGreaterThan(0);
    expect(tokenExchanges(harness.sim)).toBe(exchangesOfOneCheck);
    expect(failed.text).not.toContain(SIM_API_TOKEN);

    harness.sim.clearFaults();
    await vi.waitFor(async () => expect((await probe()).status).toBe(200), {
      timeout: 5_000,
      interval: 100,
    });
  });
});
