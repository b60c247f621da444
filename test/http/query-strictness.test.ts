/**
 * Query parameters a route does not have are refused everywhere, named by an escaped JSON
 * pointer, and never echoed with a private key in them; an id and a time are answered as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePrivateKeyPem } from '../support/certificates.js';
import { startHarness, type Harness } from '../support/service-harness.js';
import { ALL_THREE, storedIds } from '../lifecycle/support.js';
import {
  documentationRequest,
  expectNoKeyFragment,
  expectProblem,
  expectStatus,
} from './support/http-expectations.js';

interface OpenApiOperation {
  parameters?: unknown[];
  responses: Record<string, unknown>;
}

describe('query parameters a route does not have', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('refuses DELETE ?dryRun=true with 400 and deletes nothing', async () => {
    const created = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    const { id } = expectStatus<{ id: string }>(created, 201);

    const answer = await harness.call('DELETE', `/vault-integrations/${id}?dryRun=true`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      {
        pointer: '/dryRun',
        in: 'querystring',
        code: 'UNKNOWN_FIELD',
        message: 'querystring /dryRun is not a parameter of this route.',
      },
    ]);
    expect(storedIds(harness)).toEqual(ALL_THREE);
    const read = await harness.call('GET', `/vault-integrations/${id}`);
    expect(expectStatus<{ status: string }>(read, 200).status).toBe('succeeded');
  });

  it.each([
    '/vault-integrations/00000000-0000-4000-8000-000000000000',
    '/audit-records/verification',
    '/healthz',
    '/readyz',
    '/metrics',
  ])('answers GET %s?foo=1 with 400 UNKNOWN_FIELD', async (path) => {
    const answer = await harness.call('GET', `${path}?foo=1`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      {
        pointer: '/foo',
        in: 'querystring',
        code: 'UNKNOWN_FIELD',
        message: 'querystring /foo is not a parameter of this route.',
      },
    ]);
  });

  it('still serves /openapi.json and /docs with a query', async () => {
    const document = expectStatus<{ paths: Record<string, Record<string, OpenApiOperation>> }>(
      await harness.call('GET', '/openapi.json?v=1'),
      200,
    );
    const health = document.paths['/healthz']!.get!;
    expect(Object.keys(health.responses)).toContain('400');
    expect(health.parameters ?? []).toEqual([]);
    expect((await harness.call('GET', '/docs/?v=1')).status).toBe(200);
  });

  it.each([
    ['a/b', '/a~1b'],
    ['a~b', '/a~0b'],
  ])('names ?%s=1 by the escaped pointer %s, on GET and POST', async (name, pointer) => {
    const query = `${encodeURIComponent(name)}=1`;
    const listed = await harness.call('GET', `/vault-integrations?${query}`);
    const created = await harness.call('POST', `/vault-integrations?${query}`, {
      body: documentationRequest(),
    });

    for (const answer of [listed, created]) {
      const problem = expectProblem(answer, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        {
          pointer,
          in: 'querystring',
          code: 'UNKNOWN_FIELD',
          message: `querystring ${pointer} is not a parameter of this route.`,
        },
      ]);
    }
  });

  it.each([
    ['GET /vault-integrations', 'GET', (name: string) => `/vault-integrations?${name}`],
    ['POST /vault-integrations', 'POST', (name: string) => `/vault-integrations?${name}=1`],
    ['GET /audit-records/export', 'GET', (name: string) => `/audit-records/export?${name}=1`],
  ] as const)(
    'keeps a private key sent as a parameter name out of %s answers',
    async (_route, method, pathFor) => {
      const pem = makePrivateKeyPem('pkcs8');

      const answer = await harness.call(method, pathFor(encodeURIComponent(pem)), {
        body: documentationRequest(),
      });

      const problem = expectProblem(answer, 'VALIDATION_FAILED');
      expect(problem.errors?.[0]).toMatchObject({ code: 'UNKNOWN_FIELD', in: 'querystring' });
      expect(answer.text).toContain('[REDACTED]');
      expectNoKeyFragment(answer.text, pem, 'the answer');
      const keyLines = pem.split('\n').filter((line) => line.length > 8 && !line.startsWith('---'));
      for (const line of keyLines) expect(answer.text).not.toContain(line);
    },
  );
});

describe('what a refusal repeats of the input', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('names an unknown id in the case it was sent in, for GET and DELETE', async () => {
    const read = await harness.call('GET', '/vault-integrations/ANOTHER-Caller-Key-ABC');
    const deleted = await harness.call('DELETE', '/vault-integrations/ANOTHER-Caller-Key-ABC');

    for (const answer of [read, deleted]) {
      expect(expectProblem(answer, 'NOT_FOUND').detail).toBe(
        'No integration has the id ANOTHER-Caller-Key-ABC.',
      );
    }
  });

  it('finds an integration by its id in upper case', async () => {
    const created = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    const { id } = expectStatus<{ id: string }>(created, 201);

    const read = await harness.call('GET', `/vault-integrations/${id.toUpperCase()}`);

    expect(expectStatus<{ id: string }>(read, 200).id).toBe(id);
  });

  it.each(['/vault-integrations?createdAfter', '/audit-records?since'])(
    'says a + sent raw in %s was read as a space',
    async (parameter) => {
      const answer = await harness.call('GET', `${parameter}=2026-12-01T01:00:00+01:00`);

      const problem = expectProblem(answer, 'VALIDATION_FAILED');
      expect(problem.errors).toHaveLength(1);
      expect(problem.errors?.[0]).toMatchObject({ code: 'INVALID_VALUE', in: 'querystring' });
      expect(problem.errors?.[0]?.message).toContain(
        'a + in a URL is read as a space; write it as %2B',
      );
    },
  );

  it('accepts the offset written as %2B, and gives no such hint for another wrong time', async () => {
    const sent = await harness.call(
      'GET',
      '/vault-integrations?createdAfter=2026-12-01T01:00:00%2B01:00',
    );
    const wrong = await harness.call('GET', '/vault-integrations?createdAfter=yesterday');

    expectStatus(sent, 200);
    const problem = expectProblem(wrong, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.message).not.toContain('%2B');
  });
});
