import { afterEach, describe, expect, it } from 'vitest';
import {
  COLLECTION_PATHS,
  CSP_AUTHORIZE_PATH,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { accessToken, anyString, call, certificateBody, tsmCall } from './helpers.js';

describe('the request journal', () => {
  let sim: Simulator;

  afterEach(async () => {
    await sim.close();
  });

  it('records each request with its request id, body and answer, oldest first', async () => {
    sim = await startSimulator();
    const token = await accessToken(sim);

    await tsmCall(sim, token, 'certificates', 'my-CA-bundle', {
      method: 'PUT',
      headers: { 'x-request-id': 'integration-1' },
      body: certificateBody(),
    });
    await call(`${sim.url}${COLLECTION_PATHS.certificates}/my-CA-bundle?view=full`, {
      headers: { 'x-request-id': 'integration-1' },
    });

    const [exchange, put, get] = sim.requests();
    expect(exchange).toMatchObject({ method: 'POST', path: CSP_AUTHORIZE_PATH, status: 200 });
    expect(put).toEqual({
      method: 'PUT',
      path: `${COLLECTION_PATHS.certificates}/my-CA-bundle`,
      query: {},
      headers: {
        'x-request-id': 'integration-1',
        'content-type': 'application/json',
        'csp-auth-token-present': true,
      },
      body: certificateBody(),
      status: 201,
      at: anyString,
    });
    expect(get).toMatchObject({
      method: 'GET',
      query: { view: 'full' },
      headers: { 'x-request-id': 'integration-1', 'csp-auth-token-present': false },
      status: 401,
    });
    expect(Date.parse(put?.at ?? '')).not.toBeNaN();
  });

  it('never holds an API token or an access token', async () => {
    sim = await startSimulator({ apiTokens: ['api-token-secret-1'] });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const exchange = await call(`${sim.url}${CSP_AUTHORIZE_PATH}`, {
      method: 'POST',
      headers: form,
      rawBody: 'refresh_token=api-token-secret-1',
    });
    const token = (exchange.body as { access_token: string }).access_token;

    await call(`${sim.url}${CSP_AUTHORIZE_PATH}?refresh_token=api-token-secret-1`, {
      method: 'POST',
      headers: form,
      rawBody: 'api_token=api-token-secret-1',
    });
    await tsmCall(sim, token, 'certificates', 'x', {
      headers: { authorization: `Bearer ${token}` },
    });
    await tsmCall(sim, token, 'external-accounts', 'x', {
      method: 'PUT',
      headers: form,
      rawBody: `token=${token}`,
    });

    const journal = JSON.stringify(sim.requests());
    expect(sim.requests()).toHaveLength(4);
    expect(journal).not.toContain('api-token-secret-1');
    expect(journal).not.toContain(token);
  });

  it('keeps only the most recent journalLimit requests', async () => {
    sim = await startSimulator({ journalLimit: 3 });

    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await call(`${sim.url}${COLLECTION_PATHS.certificates}/${id}`);
    }

    const ids = sim.requests().map((recorded) => recorded.path.split('/').at(-1));
    expect(ids).toEqual(['c', 'd', 'e']);
  });

  it('records requests to unknown routes, and forgets everything on clearRequests', async () => {
    sim = await startSimulator();

    const unknown = await call(`${sim.url}/tsm/v1alpha1/clusters/c1`);

    expect(unknown.status).toBe(404);
    expect(sim.requests()).toMatchObject([{ path: '/tsm/v1alpha1/clusters/c1', status: 404 }]);
    sim.clearRequests();
    expect(sim.requests()).toEqual([]);
  });
});
