import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALLER_KEY,
  SIM_API_TOKEN,
  startHarness,
  type Harness,
} from '../support/service-harness.js';
import { auditRecords, expectProblem, expectStatus } from './support/http-expectations.js';

describe('requests that are odd at the HTTP level', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => harness.close());

  it('refuses a body declared in another character set than UTF-8 with 415', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      rawBody: '{}',
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    });

    expectProblem(answer, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts a UTF-8 charset parameter', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      rawBody: '{}',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });

    expectProblem(answer, 'VALIDATION_FAILED');
  });

  it('says how large a body may be when it is too large', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: { padding: 'x'.repeat(4096) },
    });

    expect(expectProblem(answer, 'PAYLOAD_TOO_LARGE').detail).toContain('2048 bytes');
  });

  it('answers a URL the router cannot read with a problem that carries the request id', async () => {
    for (const path of ['/vault-integrations/%zz', `/vault-integrations/${'a'.repeat(150)}`]) {
      const problem = expectProblem(await harness.call('GET', path), 'BAD_REQUEST');
      expect(problem.instance.length).toBeLessThanOrEqual(257);
    }
  });

  it("answers a URL over the header size limit with a 431 problem, not fastify's JSON", async () => {
    const answer = await harness.call('GET', `/vault-integrations/${'a'.repeat(70_000)}`);

    const problem = expectProblem(answer, 'HEADERS_TOO_LARGE');
    expect(problem.detail).toMatch(/shorten the URL/);
  });

  it.each(['gzip', 'deflate, identity', 'br'])(
    'refuses a body sent with Content-Encoding: %s with 415, asking for it uncompressed',
    async (encoding) => {
      const answer = await harness.call('POST', '/vault-integrations', {
        body: {},
        headers: { 'content-encoding': encoding },
      });

      expect(expectProblem(answer, 'UNSUPPORTED_MEDIA_TYPE').detail).toMatch(/uncompressed/);
      expect(answer.headers['accept-encoding']).toBe('identity');
    },
  );

  it('accepts Content-Encoding: identity', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: {},
      headers: { 'content-encoding': 'identity' },
    });

    expectProblem(answer, 'VALIDATION_FAILED');
  });

  it('refuses a request with two Authorization headers with 401, asking for one', async () => {
    const answer = await request(`${harness.url}/vault-integrations`, {
      headers: ['authorization', `Bearer ${CALLER_KEY}`, 'authorization', 'Bearer another-key'],
      reset: true,
    });
    const text = await answer.body.text();

    const problem = expectProblem(
      { status: answer.statusCode, headers: answer.headers, body: JSON.parse(text), text },
      'UNAUTHORIZED',
    );
    expect(problem.detail).toMatch(/one Authorization header/);
  });

  it('finds an integration by its id written in upper case', async () => {
    const created = await harness.call('POST', '/vault-integrations', {
      body: {
        account: {
          id: 'upper-case-test',
          vaultUrl: 'https://vault.example.internal:8200',
          serviceAccountName: 'vault-issuer',
          roleName: 'pki_int',
        },
        certificateAuthority: { id: 'upper-ca', label: 'l', vaultPath: 'pki/sign/r' },
      },
    });
    const { id } = expectStatus<{ id: string }>(created, 201);

    const read = await harness.call('GET', `/vault-integrations/${id.toUpperCase()}`);

    expect(expectStatus<{ id: string }>(read, 200).id).toBe(id);
  });

  it('echoes a secret pasted into a URL only to its sender, and keeps it out of the audit trail', async () => {
    const answer = await harness.call('GET', `/nothing-here/${CALLER_KEY}`);

    const problem = expectProblem(answer, 'NOT_FOUND');
    expect(problem.instance).toBe(`/nothing-here/${CALLER_KEY}`);
    expect(answer.text).not.toContain(SIM_API_TOKEN);
    const records = await auditRecords(harness, { action: 'http.request' });
    expect(JSON.stringify(records)).not.toContain(CALLER_KEY);
    expect(harness.logLines.join('\n')).not.toContain(CALLER_KEY);
  });

  it('keeps no text of a URL that matches no route in the audit trail', async () => {
    const answer = await harness.call('GET', `/${'x'.repeat(4000)}`);
    expectProblem(answer, 'NOT_FOUND');

    const record = (await auditRecords(harness, { action: 'http.request' })).find(
      (candidate) => candidate.requestId === answer.headers['x-request-id'],
    );
    expect(record?.details).toMatchObject({ method: 'GET', path: null, route: null, status: 404 });
  });

  it('records the same audit path for a caller key and a wrong guess sent as an id', async () => {
    const id = '0b9f5c2e-6d1a-4f3b-9c8e-2a7d4e1f6b30';
    const sent = [CALLER_KEY, 'g'.repeat(CALLER_KEY.length), SIM_API_TOKEN, id];
    const paths: unknown[] = [];
    for (const value of sent) {
      const answer = await harness.call('GET', `/vault-integrations/${value}`);
      expectProblem(answer, 'NOT_FOUND');
      const record = (await auditRecords(harness, { action: 'http.request' })).find(
        (candidate) => candidate.requestId === answer.headers['x-request-id'],
      );
      paths.push((record?.details as { path?: unknown } | undefined)?.path);
    }

    // A reader of the trail learns the shape of the request and an integration id, never
    // whether a value sent was a secret.
    expect(paths).toEqual([
      '/vault-integrations/{id}',
      '/vault-integrations/{id}',
      '/vault-integrations/{id}',
      `/vault-integrations/${id}`,
    ]);
  });
});

describe('audit time bounds', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it.each([
    ['a lower-case t and z', 'since=2024-01-01t00:00:00z'],
    ['a space for T', 'since=2024-01-01%2000:00:00Z'],
    ['an offset without a colon', 'since=2024-01-01T00:00:00%2B0100'],
    ['a bound past year 9999 once its offset applies', 'until=9999-12-31T23:59:59-01:00'],
  ])('refuses %s with 400, not 500', async (_what, query) => {
    const answer = await harness.call('GET', `/audit-records?${query}`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    const [parameter] = query.split('=');
    expect((problem.errors ?? [])[0]).toMatchObject({ pointer: `/${parameter}` });
  });

  it.each([
    ['/audit-records', 'since=2026-02-30'],
    ['/audit-records', 'since=2026-02-31T10:00:00Z'],
    ['/audit-records', 'until=2025-02-29'],
    ['/audit-records/export', 'since=2026-02-31T10:00:00Z'],
    ['/vault-integrations', 'createdAfter=2026-02-31T10:00:00Z'],
    ['/vault-integrations', 'createdBefore=2026-04-31'],
  ])('refuses on %s the day %s, which the calendar does not have', async (path, query) => {
    const answer = await harness.call('GET', `${path}?${query}`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    const [parameter] = query.split('=');
    expect(problem.errors).toHaveLength(1);
    const [error] = problem.errors ?? [];
    expect(error).toMatchObject({
      pointer: `/${parameter}`,
      in: 'querystring',
      code: 'INVALID_VALUE',
    });
    expect(error?.message).toMatch(/on a day of the calendar: month \d+ of \d{4} has \d+ days/);
  });

  it('accepts the 29th of February in a leap year', async () => {
    const answer = await harness.call('GET', '/audit-records?since=2024-02-29T10:00:00Z');

    expect(answer.status).toBe(200);
  });

  it('accepts a date-time with an offset', async () => {
    const answer = await harness.call('GET', '/audit-records?since=2024-01-01T00:00:00%2B01:00');

    expect(answer.status).toBe(200);
  });
});

describe('page sizes', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  const listings = ['/vault-integrations', '/audit-records'];

  it.each(
    listings.flatMap((path) =>
      ['1e2', '0x10', '%2B5', '1.5', '%205', '', '5&limit=6'].map((limit) => [path, limit]),
    ),
  )('refuses on %s limit=%s, which is not in decimal digits', async (path, limit) => {
    const answer = await harness.call('GET', `${path}?limit=${limit}`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toHaveLength(1);
    const [error] = problem.errors ?? [];
    expect(error).toMatchObject({ pointer: '/limit', in: 'querystring', code: 'INVALID_VALUE' });
    expect(error?.message).toContain('decimal digits, from 1 to 500');
  });

  it.each(listings)(
    'accepts limit=007 on %s: decimal digits, leading zeros and all',
    async (path) => {
      const answer = await harness.call('GET', `${path}?limit=007`);

      expect(answer.status, answer.text).toBe(200);
    },
  );
});
