/**
 * What each caller key may do: hashed keys from API_KEYS_FILE and plain keys with scopes from
 * API_KEYS, a scope per route (403 INSUFFICIENT_SCOPE), the per-caller limit on writes
 * (429 RATE_LIMITED with Retry-After), and CORS only for the configured origins.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import {
  auditRecords,
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  tsmRequests,
} from './support/http-expectations.js';

const DEPLOYER_KEY = 'deployer-key-from-a-hashed-file-1';
const AUDITOR_KEY = 'auditor-key-from-a-hashed-file-22';
const READER_KEY = 'reader-key-given-in-plain-text-333';
const PORTAL_ORIGIN = 'https://portal.example.com';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** API_KEYS_FILE as an operator writes it: names, SHA-256 digests and scopes, no keys. */
const HASHED_KEYS_YAML = [
  '- name: deployer',
  `  sha256: ${sha256(DEPLOYER_KEY)}`,
  '  scopes: [integrations:write, integrations:read]',
  '- name: auditor',
  `  sha256: ${sha256(AUDITOR_KEY)}`,
  '  scopes: [audit:read]',
  '',
].join('\n');

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('caller keys and their scopes', () => {
  let folder: string;
  let harness: Harness;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tvi-keys-'));
    const keysFile = join(folder, 'api-keys.yaml');
    await writeFile(keysFile, HASHED_KEYS_YAML);
    harness = await startHarness({
      env: {
        API_KEYS: `portal=${CALLER_KEY}, reader[integrations:read]=${READER_KEY}`,
        API_KEYS_FILE: keysFile,
        CORS_ORIGINS: PORTAL_ORIGIN,
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('takes a key whose hash is in API_KEYS_FILE and records its name as the actor', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('deployer'),
      headers: { ...bearer(DEPLOYER_KEY), 'x-request-id': 'deployer-run-1' },
    });

    expect(expectStatus<{ actor: string }>(answer, 201).actor).toBe('deployer');
    const records = (await auditRecords(harness)).filter((r) => r.requestId === 'deployer-run-1');
    expect(records.length).toBeGreaterThan(1);
    expect(new Set(records.map((record) => record.actor))).toEqual(new Set(['deployer']));
  });

  it.each([
    ['one character short', DEPLOYER_KEY.slice(0, -1)],
    ['one character more', `${DEPLOYER_KEY}x`],
    ['its SHA-256 digest', sha256(DEPLOYER_KEY)],
  ])('refuses a key that is the known one %s with 401', async (_case, presented) => {
    const answer = await harness.call('GET', '/vault-integrations', { headers: bearer(presented) });

    expectProblem(answer, 'UNAUTHORIZED');
  });

  it.each([
    ['another scheme', `Basic ${Buffer.from(`deployer:${DEPLOYER_KEY}`).toString('base64')}`],
    ['Bearer without a credential', 'Bearer '],
    ['two credentials', `Bearer ${DEPLOYER_KEY} ${AUDITOR_KEY}`],
  ])('answers an Authorization header with %s with 401', async (_case, authorization) => {
    const answer = await harness.call('GET', '/vault-integrations', { headers: { authorization } });

    expectProblem(answer, 'UNAUTHORIZED');
    expect(answer.text).not.toContain(DEPLOYER_KEY);
  });

  it.each([
    ['auditor', AUDITOR_KEY, 'POST', '/vault-integrations', 'integrations:write'],
    ['auditor', AUDITOR_KEY, 'GET', '/vault-integrations', 'integrations:read'],
    ['deployer', DEPLOYER_KEY, 'GET', '/audit-records', 'audit:read'],
    ['reader', READER_KEY, 'POST', '/vault-integrations', 'integrations:write'],
    ['reader', READER_KEY, 'GET', '/audit-records', 'audit:read'],
  ])('answers %s on %s %s with 403 naming %s', async (_name, key, method, path, scope) => {
    harness.sim.clearRequests();
    const body = method === 'POST' ? requestWithoutBundle('refused') : undefined;

    const answer = await harness.call(method, path, { body, headers: bearer(key) });

    expect(expectProblem(answer, 'INSUFFICIENT_SCOPE').requiredScope).toBe(scope);
    expect(tsmRequests(harness)).toEqual([]);
  });

  it.each([
    ['auditor', AUDITOR_KEY, '/audit-records'],
    ['deployer', DEPLOYER_KEY, '/vault-integrations'],
    ['reader', READER_KEY, '/vault-integrations'],
  ])('lets %s read %s', async (_name, key, path) => {
    const answer = await harness.call('GET', path, { headers: bearer(key) });

    expect(answer.status).toBe(200);
  });

  it('answers a preflight from a configured origin without credentials', async () => {
    const answer = await harness.call('OPTIONS', '/vault-integrations', {
      headers: {
        authorization: '',
        origin: PORTAL_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(PORTAL_ORIGIN);
    expect(String(answer.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(answer.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets a browser on a configured origin read an answer and its request id', async () => {
    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { origin: PORTAL_ORIGIN },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(PORTAL_ORIGIN);
    expect(String(answer.headers['access-control-expose-headers'])).toMatch(/x-request-id/i);
  });

  it('gives another origin no CORS headers, in a preflight or an answer', async () => {
    const origin = 'https://evil.example.net';

    const preflight = await harness.call('OPTIONS', '/vault-integrations', {
      headers: { authorization: '', origin, 'access-control-request-method': 'POST' },
    });
    const answer = await harness.call('GET', '/vault-integrations', { headers: { origin } });

    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the per-caller limit on writes', () => {
  const PER_MINUTE = 2;
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: {
        API_KEYS: `portal=${CALLER_KEY}, pipeline=${DEPLOYER_KEY}`,
        RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      },
    });
  });
  afterAll(() => harness.close());

  it('answers a write past RATE_LIMIT_PER_MINUTE with 429 and Retry-After', async () => {
    for (let write = 1; write <= PER_MINUTE; write += 1) {
      const answer = await harness.call('POST', '/vault-integrations', {
        body: requestWithoutBundle(`limited-${write}`),
      });
      expect(answer.status, answer.text).toBe(201);
    }
    harness.sim.clearRequests();

    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('limited-over'),
    });

    const problem = expectProblem(answer, 'RATE_LIMITED');
    const retryAfter = Number(answer.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(problem.detail).toContain('Retry-After');
    expect(tsmRequests(harness)).toEqual([]);
  });

  it("leaves another caller's writes and the limited caller's reads alone", async () => {
    const read = await harness.call('GET', '/vault-integrations');
    const otherWrite = await harness.call('POST', '/vault-integrations', {
      body: requestWithoutBundle('other-caller'),
      headers: bearer(DEPLOYER_KEY),
    });

    expect(read.status).toBe(200);
    expect(otherWrite.status, otherWrite.text).toBe(201);
  });

  it('sends no CORS headers when CORS_ORIGINS is unset', async () => {
    const answer = await harness.call('GET', '/vault-integrations', {
      headers: { origin: PORTAL_ORIGIN },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});
