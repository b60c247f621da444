/**
 * Who may call, and how the caller and the request id follow a request: into the answer, every
 * audit record of it, and every call made to TSM on its behalf.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import {
  auditRecords,
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  tsmRequests,
} from './support/http-expectations.js';

const PIPELINE_KEY = 'pipeline-key-fedcba9876543210';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface IntegrationJson {
  id: string;
  actor: string;
  requestId: string;
}

describe('caller keys', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: { API_KEYS: `portal=${CALLER_KEY}, pipeline=${PIPELINE_KEY}` },
    });
  });
  afterAll(() => harness.close());

  it('answers a request without Authorization with 401 and WWW-Authenticate: Bearer', async () => {
    const answer = await harness.call('GET', '/audit-records', { headers: { authorization: '' } });

    expectProblem(answer, 'UNAUTHORIZED');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers an unknown key with 401 and does not echo it', async () => {
    const unknownKey = 'not-a-known-key-0123456789';

    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle(),
      headers: { authorization: `Bearer ${unknownKey}` },
    });

    expectProblem(answer, 'UNAUTHORIZED');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.text).not.toContain(unknownKey);
    expect(harness.logLines.join('\n')).not.toContain(unknownKey);
    expect(tsmRequests(harness)).toEqual([]);
  });

  it('records the key name as the actor of the answer and of every audit record', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('pipeline'),
      headers: { authorization: `Bearer ${PIPELINE_KEY}`, 'x-request-id': 'pipeline-run-7' },
    });

    const integration = expectStatus<IntegrationJson>(answer, 201);
    expect(integration.actor).toBe('pipeline');
    const records = (await auditRecords(harness)).filter(
      (record) => record.requestId === 'pipeline-run-7',
    );
    expect(records.map((record) => record.action)).toEqual(
      expect.arrayContaining(['http.request', 'tsm.call']),
    );
    expect(new Set(records.map((record) => record.actor))).toEqual(new Set(['pipeline']));
  });

  it.each(['/openapi.json', '/docs', '/healthz', '/readyz'])(
    'serves %s without a key',
    async (path) => {
      const answer = await harness.call('GET', path, { headers: { authorization: '' } });

      expect(answer.status).toBe(200);
    },
  );
});

describe('request ids', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: { API_KEYS: `portal=${CALLER_KEY}, pipeline=${PIPELINE_KEY}` },
    });
  });
  afterAll(() => harness.close());

  /** Everything a request id reaches: the audit trail, the integrations list, the TSM calls. */
  async function placesAnIdReaches(): Promise<string> {
    const listed = await harness.call('GET', '/vault-integrations?limit=500');
    expect(listed.status).toBe(200);
    const trail = await auditRecords(harness);
    return [listed.text, JSON.stringify(trail), JSON.stringify(tsmRequests(harness))].join('\n');
  }

  it.each([
    ['the key itself', PIPELINE_KEY, 'own-key'],
    ['the key inside a longer id', `run-${PIPELINE_KEY}-7`, 'longer-id'],
    ['a part of the key', PIPELINE_KEY.slice(9, 25), 'part-of-key'],
  ])(
    "replaces an X-Request-Id that is %s (the caller's own credential) by a generated one",
    async (_case, given, suffix) => {
      harness.sim.clearRequests();

      const answer = await harness.call('POST', '/vault-integrations', {
        body: requestWithoutBundle(suffix),
        headers: { authorization: `Bearer ${PIPELINE_KEY}`, 'x-request-id': given },
      });

      const integration = expectStatus<IntegrationJson>(answer, 201);
      expect(answer.headers['x-request-id']).toMatch(UUID);
      expect(integration.requestId).toBe(answer.headers['x-request-id']);
      expect(tsmRequests(harness).length).toBeGreaterThanOrEqual(3);
      // Another caller reads the list; an auditor reads the trail; TSM saw every call.
      expect(await placesAnIdReaches()).not.toContain(given);
    },
  );

  it('replaces an X-Request-Id equal to an unknown credential, refused or not', async () => {
    const credential = 'local-caller-key-0123456789';

    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { authorization: `Bearer ${credential}`, 'x-request-id': credential },
    });

    const problem = expectProblem(answer, 'UNAUTHORIZED');
    expect(answer.headers['x-request-id']).toMatch(UUID);
    expect(problem.requestId).toBe(answer.headers['x-request-id']);
    expect(await placesAnIdReaches()).not.toContain(credential);
    expect(harness.logLines.join('\n')).not.toContain(credential);
  });

  it('keeps a short X-Request-Id that happens to occur inside the credential', async () => {
    const shortPiece = PIPELINE_KEY.slice(3, 9);

    const answer = await harness.call('GET', '/vault-integrations?limit=1', {
      headers: { authorization: `Bearer ${PIPELINE_KEY}`, 'x-request-id': shortPiece },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe(shortPiece);
  });

  it('keeps an X-Request-Id that merely resembles the credential', async () => {
    const answer = await harness.call('GET', '/vault-integrations?limit=1', {
      headers: { authorization: `Bearer ${PIPELINE_KEY}`, 'x-request-id': 'pipeline-run-8' },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe('pipeline-run-8');
  });

  it('echoes a valid X-Request-Id, stores it and sends it to TSM', async () => {
    harness.sim.clearRequests();

    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('traced'),
      headers: { 'x-request-id': 'portal:trace-42' },
    });

    const integration = expectStatus<IntegrationJson>(answer, 201);
    expect(answer.headers['x-request-id']).toBe('portal:trace-42');
    expect(integration.requestId).toBe('portal:trace-42');
    const sent = tsmRequests(harness);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.map((request) => request.headers['x-request-id'])).toEqual(
      sent.map(() => 'portal:trace-42'),
    );
  });

  it.each([
    ['with a space', 'not valid'],
    ['too long', 'x'.repeat(129)],
    ['with a newline escape', 'a%0Ab'],
  ])('replaces an X-Request-Id %s by a generated one', async (_case, given) => {
    const answer = await harness.call('GET', '/no-such-route', {
      headers: { 'x-request-id': given },
    });

    const problem = expectProblem(answer, 'NOT_FOUND');
    expect(answer.headers['x-request-id']).toMatch(UUID);
    expect(problem.requestId).toBe(answer.headers['x-request-id']);
  });

  it('generates a request id when the caller sends none', async () => {
    const answer = await harness.call('GET', '/healthz');

    expect(answer.headers['x-request-id']).toMatch(UUID);
  });
});

describe('with AUTH_DISABLED=true and no API_KEYS', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { API_KEYS: '', AUTH_DISABLED: 'true' } });
  });
  afterAll(() => harness.close());

  it('lets a caller without a key in as "anonymous"', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle(),
      headers: { authorization: '' },
    });

    const integration = expectStatus<IntegrationJson>(answer, 201);
    expect(integration.actor).toBe('anonymous');
    const records = await auditRecords(harness, { integrationId: integration.id });
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((record) => record.actor))).toEqual(new Set(['anonymous']));
  });
});
