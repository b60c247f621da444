import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  accessToken,
  anyString,
  authorize,
  call,
  certificateBody,
  DOCUMENTED,
  resourceUrl,
  seedDocumented,
  tsmCall,
} from './helpers.js';

describe('the simulated TSM resources', () => {
  let sim: Simulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSimulator();
    token = await accessToken(sim);
  });

  afterEach(async () => {
    await sim.close();
  });

  describe.each(DOCUMENTED)('%s', (collection, id, body) => {
    beforeEach(() => {
      // Each resource needs the ones before it in place, as it names them.
      if (collection === 'external-accounts') seedDocumented(sim, 'certificates');
      if (collection === 'certificate-authorities') seedDocumented(sim, 'external-accounts');
    });

    it('creates with 201, replaces with 200, and stores exactly the body put', async () => {
      const created = await tsmCall(sim, token, collection, id, { method: 'PUT', body: body() });
      const replacement = { ...body(), description: 'replaced' };
      const replaced = await tsmCall(sim, token, collection, id, {
        method: 'PUT',
        body: replacement,
      });

      expect(created.status).toBe(201);
      expect(replaced.status).toBe(200);
      expect(sim.resource(collection, id)).toEqual(replacement);
    });

    it('answers GET with the stored body plus fields TSM adds on its side', async () => {
      await tsmCall(sim, token, collection, id, { method: 'PUT', body: body() });

      const read = await tsmCall(sim, token, collection, id);

      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        ...body(),
        id,
        status: 'ACTIVE',
        createdAt: anyString,
        updatedAt: anyString,
      });
    });

    it('answers 404 to GET and DELETE of an absent resource', async () => {
      const read = await tsmCall(sim, token, collection, id);
      const deleted = await tsmCall(sim, token, collection, id, { method: 'DELETE' });

      expect(read.status).toBe(404);
      expect(read.body).toEqual({ code: 404, message: `${collection}/${id} not found` });
      expect(deleted.status).toBe(404);
    });

    it('deletes with 200, after which the resource is gone', async () => {
      await tsmCall(sim, token, collection, id, { method: 'PUT', body: body() });

      const deleted = await tsmCall(sim, token, collection, id, { method: 'DELETE' });

      expect(deleted.status).toBe(200);
      expect(sim.resource(collection, id)).toBeUndefined();
      expect((await tsmCall(sim, token, collection, id)).status).toBe(404);
    });

    it('ignores server-side fields in a PUT, as when a snapshot is put back', async () => {
      await tsmCall(sim, token, collection, id, { method: 'PUT', body: body() });
      const snapshot = (await tsmCall(sim, token, collection, id)).body as object;

      const restored = await tsmCall(sim, token, collection, id, {
        method: 'PUT',
        body: { ...snapshot, id: 'another-id', status: 'BROKEN', createdAt: '1999-01-01' },
      });

      expect(restored.status).toBe(200);
      expect(sim.resource(collection, id)).toEqual(body());
      const reread = (await tsmCall(sim, token, collection, id)).body;
      expect(reread).toMatchObject({ id, status: 'ACTIVE' });
      expect(reread).not.toMatchObject({ createdAt: '1999-01-01' });
    });
  });

  it('accepts a DELETE whose JSON content type comes with no body', async () => {
    seedDocumented(sim, 'certificates');

    const deleted = await tsmCall(sim, token, 'certificates', 'my-CA-bundle', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });

    expect(deleted.status).toBe(200);
  });

  it('lists what is stored and forgets it, and every access token, on reset', async () => {
    seedDocumented(sim, 'certificate-authorities');

    expect([...sim.resources('external-accounts').keys()]).toEqual(['my-vault-account']);
    sim.reset();
    expect(sim.resources('external-accounts').size).toBe(0);
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
    expect((await tsmCall(sim, token, 'certificates', 'my-CA-bundle')).status).toBe(401);
  });
});

describe('the access token TSM requires', () => {
  let sim: Simulator | undefined;

  afterEach(async () => {
    await sim?.close();
  });

  it('refuses a call without csp-auth-token, or with an unknown one, with 401', async () => {
    sim = await startSimulator();
    const url = resourceUrl(sim, 'certificates', 'my-CA-bundle');

    const missing = await call(url);
    const unknown = await call(url, { headers: { 'csp-auth-token': 'forged' } });

    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ code: 401, message: anyString });
    expect(unknown.status).toBe(401);
  });

  it('refuses every token issued before expireAccessTokens, and accepts a new one', async () => {
    sim = await startSimulator();
    const old = await accessToken(sim);

    sim.expireAccessTokens();

    expect((await tsmCall(sim, old, 'certificates', 'x')).status).toBe(401);
    expect((await tsmCall(sim, await accessToken(sim), 'certificates', 'x')).status).toBe(404);
  });

  it('refuses a token once its lifetime has passed', async () => {
    sim = await startSimulator({ accessTokenTtlSeconds: 0 });
    const answer = await authorize(sim);

    const token = (answer.body as { access_token: string }).access_token;
    expect((answer.body as { expires_in: number }).expires_in).toBe(0);
    expect((await tsmCall(sim, token, 'certificates', 'x')).status).toBe(401);
  });

  it('answers 403 instead when configured so', async () => {
    sim = await startSimulator({ expiredTokenStatus: 403 });
    const token = await accessToken(sim);
    sim.expireAccessTokens();

    const refused = await tsmCall(sim, token, 'external-accounts', 'x');

    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ code: 403, message: anyString });
  });

  it('changes nothing when it refuses a PUT', async () => {
    sim = await startSimulator();

    const refused = await tsmCall(sim, 'forged', 'certificates', 'my-CA-bundle', {
      method: 'PUT',
      body: certificateBody(),
    });

    expect(refused.status).toBe(401);
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
  });
});
