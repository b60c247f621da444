import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { CSP_AUTHORIZE_PATH } from '../../src/simulator/index.js';
import { makePrivateKeyPem } from '../support/certificates.js';
import {
  CALLER_KEY,
  SIM_API_TOKEN,
  startHarness,
  type Harness,
} from '../support/service-harness.js';
import { documentationRequest } from '../support/requests.js';
import { databaseBytes, exercise, keyFragments, WRONG_KEY } from './support/secret-flows.js';

/** The log levels the pasted-key test runs at: the chattiest ones and the default. */
const LOG_LEVELS = ['trace', 'debug', 'info'];

async function exchangeAccessToken(cspUrl: string): Promise<string> {
  const answer = await request(`${cspUrl}${CSP_AUTHORIZE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `refresh_token=${SIM_API_TOKEN}`,
  });
  return ((await answer.body.json()) as { access_token: string }).access_token;
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
