/**
 * What an answer repeats of the request: the caller's own input (its path in `instance`, an id in
 * `detail`), with private keys removed however they were encoded, and nothing that depends on
 * the service's configured secrets. Logs and the audit trail also drop the configured secrets.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePrivateKeyPem } from '../support/certificates.js';
import {
  CALLER_KEY,
  SIM_API_TOKEN,
  startHarness,
  type Answer,
  type Harness,
} from '../support/service-harness.js';
import {
  auditRecords,
  expectProblem,
  keyFragments,
  type AuditRecordJson,
} from './support/http-expectations.js';

/** A text percent-encoded `times` times over. */
function encodedTimes(text: string, times: number): string {
  let encoded = text;
  for (let round = 0; round < times; round += 1) encoded = encodeURIComponent(encoded);
  return encoded;
}

/** Checks that no piece of a key's body occurs in a text, plainly or percent-encoded 1–6 times. */
function expectNoKeyInAnyForm(text: string, pem: string, where: string): void {
  const fragments = keyFragments(pem);
  expect(fragments.length).toBeGreaterThan(5);
  const forms = fragments.flatMap((fragment) =>
    [0, 1, 2, 3, 4, 5, 6].map((times) => encodedTimes(fragment, times)),
  );
  const found = forms.filter((form) => text.includes(form));
  expect(found, `key material in ${where}`).toEqual([]);
}

/**
 * A key whose armor and body a quote sets apart, as the breaker sent it: the body between quotes,
 * the armor percent-encoded, so the text reads as three runs rather than one key block.
 */
function quoteSplitKey(pem: string): string {
  const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  const [begin, end] = ['BEGIN', 'END'].map((word) => `-----${word}%20PRIVATE%20KEY-----`);
  return `${begin}'${encodeURIComponent(body.join('\n'))}'${end}`;
}

/**
 * Sends a GET with exactly this request target over a raw socket: an HTTP client would drop a
 * fragment or re-encode characters, and the point is what the service does with what it is sent.
 */
async function rawGet(baseUrl: string, target: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(
    `GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\n` +
      `Authorization: Bearer ${CALLER_KEY}\r\nConnection: close\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

/** An answer's status, header names and body with the request id and one text made neutral. */
function shapeOf(answer: Answer, sent: string): unknown {
  const neutral = (text: string) =>
    text.split(sent).join('<sent>').split(String(answer.headers['x-request-id'])).join('<id>');
  const headers = Object.keys(answer.headers)
    .filter((name) => name !== 'date' && name !== 'x-request-id')
    .sort()
    .map((name) => [name, neutral(String(answer.headers[name]))]);
  return { status: answer.status, headers, body: neutral(answer.text) };
}

/** A text of `length` characters that is no secret of the service. */
function wrongGuess(length: number): string {
  return 'g'.repeat(length);
}

describe('what answers, logs and the audit trail repeat of a request', () => {
  let harness: Harness;
  beforeAll(async () => {
    // trace, as the service may run: every line it writes must be free of keys.
    harness = await startHarness({ env: { LOG_LEVEL: 'trace' } });
  });
  afterAll(() => harness.close());

  /** The http.request record of an answered request. */
  async function auditRecordOf(answer: Answer): Promise<AuditRecordJson> {
    const requestId = answer.headers['x-request-id'];
    const records = await auditRecords(harness, { action: 'http.request' });
    const record = records.find((candidate) => candidate.requestId === requestId);
    expect(record, `audit record of ${String(requestId)}`).toBeDefined();
    return record!;
  }

  it.each([
    ['the query of a POST', 'POST', 'pkcs8', (key: string) => `/vault-integrations?x=${key}`],
    ['a path parameter', 'GET', 'pkcs8', (key: string) => `/vault-integrations/${key}`],
    ['an audit filter', 'GET', 'ec', (key: string) => `/audit-records?action=${key}`],
    ['a path, encoded twice', 'GET', 'rsa', (key: string) => `/nope/${encodeURIComponent(key)}`],
  ] as const)(
    'keeps a private key percent-encoded in %s out of the answer, the logs and the audit trail',
    async (_where, method, form, pathFor) => {
      const pem = makePrivateKeyPem(form);
      const linesBefore = harness.logLines.length;

      const answer = await harness.call(method, pathFor(encodeURIComponent(pem)), { body: {} });

      expect(answer.status).toBeGreaterThanOrEqual(400);
      expectNoKeyInAnyForm(answer.text, pem, 'the answer');
      const lines = harness.logLines.slice(linesBefore).join('\n');
      expect(lines).toContain('incoming request');
      expectNoKeyInAnyForm(lines, pem, 'the log');
      // A URL the router cannot read is answered before any hook: search the whole trail.
      const trail = await auditRecords(harness, { action: 'http.request' });
      expectNoKeyInAnyForm(JSON.stringify(trail), pem, 'the audit trail');
    },
  );

  it('keeps a private key in the query of a POST out of the incoming-request log line', async () => {
    const pem = makePrivateKeyPem('pkcs8');
    const linesBefore = harness.logLines.length;

    await harness.call('POST', `/vault-integrations?x=${encodeURIComponent(pem)}`, { body: {} });

    const incoming = harness.logLines.slice(linesBefore).find((line) => line.includes('incoming'));
    expect(JSON.parse(incoming ?? '{}')).toMatchObject({
      req: { url: expect.stringContaining('/vault-integrations?[REDACTED]') as unknown },
    });
    expectNoKeyInAnyForm(incoming ?? '', pem, 'the log');
  });

  it('replaces a path holding a private key whole in the answer', async () => {
    const pem = makePrivateKeyPem('pkcs8');

    const answer = await harness.call('GET', `/vault-integrations/${encodeURIComponent(pem)}`);

    const problem = expectProblem(answer, 'BAD_REQUEST');
    expect(problem.instance).toBe('/[REDACTED]');
  });

  it.each([
    ['a path, its body quoted apart from the armor', (key: string) => `/x/${quoteSplitKey(key)}`],
    [
      'a query, its body quoted apart',
      (key: string) => `/vault-integrations?${quoteSplitKey(key)}`,
    ],
    ['a path, encoded 4 times', (key: string) => `/nope/${encodedTimes(key, 4)}`],
    ['a path, encoded 6 times', (key: string) => `/nope/${encodedTimes(key, 6)}`],
    ['a query, encoded 4 times', (key: string) => `/vault-integrations?x=${encodedTimes(key, 4)}`],
    ['a query, encoded 6 times', (key: string) => `/vault-integrations?x=${encodedTimes(key, 6)}`],
    ['a fragment of a path', (key: string) => `/x/abc#${quoteSplitKey(key)}`],
    ['a fragment, encoded 4 times', (key: string) => `/x/abc#${encodedTimes(key, 4)}`],
  ] as const)(
    'keeps a private key in %s out of the answer and every log line',
    async (_where, targetFor) => {
      const pem = makePrivateKeyPem('ec');
      const linesBefore = harness.logLines.length;

      const answer = await rawGet(harness.url, targetFor(pem));

      expect(answer.status).toBeGreaterThanOrEqual(400);
      expectNoKeyInAnyForm(answer.text, pem, 'the answer');
      const lines = harness.logLines.slice(linesBefore);
      const incoming = lines.find((line) => line.includes('incoming request'));
      expect(JSON.parse(incoming ?? '{}')).toMatchObject({
        req: { url: expect.stringContaining('[REDACTED]') as unknown },
      });
      expectNoKeyInAnyForm(lines.join('\n'), pem, 'the log');
    },
  );

  it('logs a request as fastify does, with method, URL, host and remote address', async () => {
    const linesBefore = harness.logLines.length;

    await harness.call('GET', '/vault-integrations?limit=1');

    const incoming = harness.logLines.slice(linesBefore).find((line) => line.includes('incoming'));
    expect(JSON.parse(incoming ?? '{}')).toMatchObject({
      req: {
        method: 'GET',
        url: '/vault-integrations?limit=1',
        host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown,
        remoteAddress: '127.0.0.1',
        remotePort: expect.any(Number) as unknown,
      },
    });
  });

  it.each([
    ['a caller key, authenticated', CALLER_KEY, {}],
    ['the TSM token, unauthenticated', SIM_API_TOKEN, { authorization: '' }],
  ])(
    'answers a path holding %s exactly as one holding a wrong guess (no oracle)',
    async (_what, secret, headers: Record<string, string>) => {
      const guess = wrongGuess(secret.length);

      const withSecret = await harness.call('GET', `/nope/${secret}/more`, { headers });
      const withGuess = await harness.call('GET', `/nope/${guess}/more`, { headers });

      expect(withSecret.status).toBeGreaterThanOrEqual(400);
      expect(shapeOf(withSecret, secret)).toEqual(shapeOf(withGuess, guess));
      expect(withGuess.text).toContain(guess);
    },
  );

  it('echoes an integration id that is a secret in detail and instance alike, as sent', async () => {
    const answer = await harness.call('GET', `/vault-integrations/${SIM_API_TOKEN}`);

    const problem = expectProblem(answer, 'NOT_FOUND');
    expect(problem.detail).toBe(`No integration has the id ${SIM_API_TOKEN}.`);
    expect(problem.instance).toBe(`/vault-integrations/${SIM_API_TOKEN}`);
  });

  it('echoes only what the caller sent: no other secret reaches the answer', async () => {
    const answer = await harness.call('GET', `/nothing-here/${SIM_API_TOKEN}`);

    expect(answer.text).not.toContain(CALLER_KEY);
    expect(expectProblem(answer, 'NOT_FOUND').detail).toBe(
      `No route GET /nothing-here/${SIM_API_TOKEN}.`,
    );
  });

  it('keeps a configured secret in a path out of the logs and the audit trail', async () => {
    const linesBefore = harness.logLines.length;

    const answer = await harness.call('GET', `/nothing-here/${SIM_API_TOKEN}`);

    const lines = harness.logLines.slice(linesBefore).join('\n');
    expect(lines).toContain('/nothing-here/[REDACTED]');
    expect(lines).not.toContain(SIM_API_TOKEN);
    // A URL no route matches leaves no text in the trail at all.
    const record = await auditRecordOf(answer);
    expect(record.details.path).toBeNull();
    expect(JSON.stringify(record)).not.toContain(SIM_API_TOKEN);
  });
});
