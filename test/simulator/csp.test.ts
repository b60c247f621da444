import { afterEach, describe, expect, it } from 'vitest';
import { CSP_AUTHORIZE_PATH, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { anyString, authorize, call, tsmCall } from './helpers.js';

describe('the simulated CSP token exchange', () => {
  let sim: Simulator;

  afterEach(async () => {
    await sim.close();
  });

  it('exchanges a known API token for an access token that TSM accepts', async () => {
    sim = await startSimulator();

    const answer = await authorize(sim);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 1799,
      scope: anyString,
      id_token: anyString,
      refresh_token: 'sim-api-token',
    });
    const token = (answer.body as { access_token: string }).access_token;
    expect(token).toMatch(/^[\w-]{20,}$/);
    const read = await tsmCall(sim, token, 'certificates', 'absent');
    expect(read.status).toBe(404);
  });

  it('accepts the token in an api_token field as some clients send it', async () => {
    sim = await startSimulator({ apiTokens: ['token-a', 'token-b'], accessTokenTtlSeconds: 60 });

    const answer = await call(`${sim.url}${CSP_AUTHORIZE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'api_token=token-b',
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ expires_in: 60 });
  });

  it('refuses an unknown API token with 400 invalid_grant', async () => {
    sim = await startSimulator();

    const answer = await authorize(sim, 'not-a-token');

    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toMatch(/^invalid_grant/);
  });

  it('refuses a form without a token with 400', async () => {
    sim = await startSimulator();

    const answer = await call(`${sim.url}${CSP_AUTHORIZE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'grant_type=refresh_token',
    });

    expect(answer.status).toBe(400);
  });

  it('refuses a JSON body with 415', async () => {
    sim = await startSimulator();

    const answer = await call(`${sim.url}${CSP_AUTHORIZE_PATH}`, {
      method: 'POST',
      body: { refresh_token: 'sim-api-token' },
    });

    expect(answer.status).toBe(415);
  });

  it('journals the field names of the exchange, never the tokens', async () => {
    sim = await startSimulator();

    const answer = await authorize(sim);

    const token = (answer.body as { access_token: string }).access_token;
    const [recorded] = sim.requests();
    expect(recorded).toMatchObject({
      method: 'POST',
      path: CSP_AUTHORIZE_PATH,
      body: ['refresh_token'],
      status: 200,
    });
    expect(JSON.stringify(sim.requests())).not.toContain('sim-api-token');
    expect(JSON.stringify(sim.requests())).not.toContain(token);
  });
});
