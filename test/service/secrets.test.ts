import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { CSP_AUTHORIZE_PATH } from '../../src/simulator/index.js';
import { makePrivateKeyPem } from '../support/certificates.js';
import {
  startIdentityProvider,
  trustedProviderEnv,
  validClaims,
} from '../support/identity-provider.js';
import {
  CALLER_KEY,
  SIM_API_TOKEN,
  startHarness,
  type Harness,
} from '../support/service-harness.js';
import { ACCOUNT_PATH, CA_PATH, documentationRequest } from '../support/requests.js';
import { requestWithoutBundle } from '../http/support/http-expectations.js';

/** A key no caller has, sent by mistake: it may be someone's key for another service. */
const WRONG_KEY = 'wrong-key-but-still-a-secret';

/** The log levels the pasted-key test runs at: the chattiest ones and the default. */
const LOG_LEVELS = ['trace', 'debug', 'info'];

/** Everything the service wrote to disk: the SQLite file and its journal files. */
async function databaseBytes(harness: Harness): Promise<string> {
  const folder = dirname(harness.dbPath);
  const files = await readdir(folder);
  const contents = await Promise.all(files.map((file) => readFile(join(folder, file))));
  return contents.map((content) => content.toString('latin1')).join('\n');
}

/** Distinctive fragments of a PEM private key: each full base64 line of its body. */
function keyFragments(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
}

async function exchangeAccessToken(cspUrl: string): Promise<string> {
  const answer = await request(`${cspUrl}${CSP_AUTHORIZE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `refresh_token=${SIM_API_TOKEN}`,
  });
  return ((await answer.body.json()) as { access_token: string }).access_token;
}

/** Runs the flows that touch secrets: success, failures, rollbacks, refused input. */
async function exercise(harness: Harness, answers: string[]): Promise<void> {
  const keep = async (method: string, path: string, body?: unknown, headers = {}) => {
    const answer = await harness.call(method, path, { body, headers });
    answers.push(JSON.stringify(answer.headers), answer.text);
  };
  await keep('POST', '/vault-integrations', documentationRequest());
  harness.sim.reset();
  harness.sim.injectFault({ method: 'PUT', path: CA_PATH, status: 503, count: Infinity });
  harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 500, count: Infinity });
  await keep('POST', '/vault-integrations', documentationRequest());
  harness.sim.clearFaults();
  harness.sim.expireAccessTokens();
  await keep('POST', '/vault-integrations', documentationRequest({ onExisting: 'replace' }));
  await keep('GET', '/audit-records?limit=500');
  await keep('GET', '/vault-integrations/00000000-0000-4000-8000-000000000000', undefined, {
    authorization: `Bearer ${WRONG_KEY}`,
  });
}

/** A caller key known to the service only by its SHA-256, from API_KEYS_FILE. */
const HASHED_FILE_KEY = 'automation-key-from-a-mounted-file-1';

/** The TSM API token and a hashed caller key as Kubernetes would mount them, in `folder`. */
async function secretsFromFiles(folder: string): Promise<Record<string, string>> {
  const tokenFile = join(folder, 'tsm-api-token');
  const keysFile = join(folder, 'api-keys.yaml');
  const digest = createHash('sha256').update(HASHED_FILE_KEY).digest('hex');
  await writeFile(tokenFile, `${SIM_API_TOKEN}\n`);
  const entry = `- name: automation\n  sha256: ${digest}\n  scopes: [integrations:write]\n`;
  await writeFile(keysFile, entry);
  return { TSM_API_TOKEN: '', TSM_API_TOKEN_FILE: tokenFile, API_KEYS_FILE: keysFile };
}

/** Calls by a JWT caller and a hashed-key caller: a success, refusals, a pasted private key. */
async function exerciseOtherCallers(
  harness: Harness,
  answers: string[],
  token: string,
  pastedKey: string,
): Promise<void> {
  const keep = async (as: Record<string, string>, method: string, path: string, body?: unknown) => {
    const answer = await harness.call(method, path, { body, headers: as });
    answers.push(JSON.stringify(answer.headers), answer.text);
    return answer.status;
  };
  const asToken = { authorization: `Bearer ${token}` };
  const asAutomation = { authorization: `Bearer ${HASHED_FILE_KEY}` };
  const other = requestWithoutBundle('by-token');
  const withKey = documentationRequest();
  withKey.caBundle!.pem = `${withKey.caBundle!.pem}${pastedKey}`;

  expect(await keep(asToken, 'POST', '/vault-integrations', other)).toBe(201);
  expect(await keep(asToken, 'GET', '/vault-integrations')).toBe(403);
  expect(await keep(asAutomation, 'POST', '/vault-integrations', withKey)).toBe(400);
  expect(await keep(asAutomation, 'GET', '/audit-records')).toBe(403);
  expect(await keep({ authorization: `Bearer ${token}x` }, 'GET', '/audit-records')).toBe(401);
}

describe('secrets never reach a log line, the audit store or an answer', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('keeps the TSM API token and the caller key out of everything', async () => {
    harness = await startHarness();
    const answers: string[] = [];

    await exercise(harness, answers);

    const everything = [harness.logLines.join('\n'), await databaseBytes(harness), ...answers];
    for (const text of everything) {
      expect(text).not.toContain(SIM_API_TOKEN);
      expect(text).not.toContain(CALLER_KEY);
      expect(text).not.toContain(WRONG_KEY);
    }
    expect(harness.logLines.length).toBeGreaterThan(50);
  });

  it('keeps every secret out of logs, audit rows, answers and /openapi.json at debug', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tvi-secrets-'));
    const provider = await startIdentityProvider();
    try {
      harness = await startHarness({
        env: {
          ...(await secretsFromFiles(folder)),
          ...trustedProviderEnv(provider),
          LOG_LEVEL: 'debug',
        },
      });
      const answers: string[] = [];
      const token = await provider.sign(validClaims('alice', 'integrations:write audit:read'));
      const pastedKey = makePrivateKeyPem('pkcs8');

      await exercise(harness, answers);
      await exerciseOtherCallers(harness, answers, token, pastedKey);

      const everything = [
        harness.logLines.join('\n'),
        await databaseBytes(harness),
        ...answers,
        (await harness.call('GET', '/openapi.json')).text,
      ];
      const secrets = [SIM_API_TOKEN, CALLER_KEY, HASHED_FILE_KEY, token, WRONG_KEY];
      secrets.push(...keyFragments(pastedKey));
      for (const text of everything) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
      expect(harness.logLines.some((line) => line.includes('"level":20'))).toBe(true);
    } finally {
      await provider.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('keeps a fixed TSM access token out of everything', async () => {
    const probe = await startHarness();
    const accessToken = await exchangeAccessToken(probe.sim.url);
    await probe.close();
    harness = await startHarness({
      env: { TSM_ACCESS_TOKEN: accessToken, TSM_API_TOKEN: '' },
    });
    // The harness's simulator is a new one: teach it this token by exchanging there too.
    const liveToken = await exchangeAccessToken(harness.sim.url);
    await harness.close();
    harness = await startHarness({ env: { TSM_ACCESS_TOKEN: liveToken, TSM_API_TOKEN: '' } });
    const answers: string[] = [];

    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    answers.push(answer.text);

    expect(answer.status).toBe(502); // a token of another simulator: TSM refuses it
    const everything = [harness.logLines.join('\n'), await databaseBytes(harness), ...answers];
    for (const text of everything) expect(text).not.toContain(liveToken);
  });

  it.each(LOG_LEVELS)('at %s: refuses a pasted private key and keeps it out', async (level) => {
    harness = await startHarness({ env: { LOG_LEVEL: level } });
    const key = makePrivateKeyPem('rsa');
    const request = documentationRequest();
    request.caBundle!.pem = `${request.caBundle!.pem}${key}`;
    request.account.description = `see ${makePrivateKeyPem('pkcs8')}`;

    const answer = await harness.call('POST', '/vault-integrations', { body: request });

    expect(answer.status).toBe(400);
    const codes = (answer.body as { errors: { pointer: string; code: string }[] }).errors;
    expect(codes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' }),
        expect.objectContaining({ pointer: '/account/description', code: 'PRIVATE_KEY_REJECTED' }),
      ]),
    );
    const fragments = [...keyFragments(key), ...keyFragments(request.account.description)];
    const everything = [harness.logLines.join('\n'), await databaseBytes(harness), answer.text];
    for (const text of everything) {
      for (const fragment of fragments) expect(text).not.toContain(fragment);
      expect(text).not.toContain('PRIVATE KEY-----\n');
    }
    expect(harness.sim.requests().some((r) => r.path.startsWith('/tsm/'))).toBe(false);
  });
});
