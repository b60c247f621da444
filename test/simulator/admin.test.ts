import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION_PATHS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { accessToken, call, certificateBody, seedDocumented, tsmCall } from './helpers.js';

describe('the admin surface under /_sim/', () => {
  let sim: Simulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSimulator();
    token = await accessToken(sim);
    sim.clearRequests();
  });

  afterEach(async () => {
    await sim.close();
  });

  const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    call(`${sim.url}/_sim/${path}`, { method, body });
  const getBundle = () => tsmCall(sim, token, 'certificates', 'my-CA-bundle');

  it('injects a fault described as JSON, with a string path', async () => {
    const injected = await admin('POST', 'faults', {
      method: 'GET',
      path: `${COLLECTION_PATHS.certificates}/*`,
      status: 503,
      retryAfter: '3',
    });

    const faulted = await getBundle();

    expect(injected.status).toBe(201);
    expect(faulted.status).toBe(503);
    expect(faulted.headers['retry-after']).toBe('3');
  });

  it('injects a fault with a regular expression and an endless count, until cleared', async () => {
    await admin('POST', 'faults', {
      path: { regex: 'my-ca-bundle$', flags: 'i' },
      count: 'Infinity',
      status: 500,
    });
    expect((await getBundle()).status).toBe(500);
    expect((await getBundle()).status).toBe(500);

    const cleared = await admin('DELETE', 'faults');

    expect(cleared.status).toBe(204);
    expect((await getBundle()).status).toBe(404);
  });

  it('refuses a fault it cannot read, naming the field', async () => {
    const refused = await admin('POST', 'faults', { status: 'five hundred' });

    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toMatch(/^\/status/);
    expect((await getBundle()).status).toBe(404);
  });

  it('refuses a regular expression that does not compile', async () => {
    const refused = await admin('POST', 'faults', { path: { regex: '(' }, status: 500 });

    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toMatch(/^\/path\/regex/);
  });

  it('shows the journal without its own requests, and clears it', async () => {
    await getBundle();

    const journal = await admin('GET', 'requests');
    const cleared = await admin('DELETE', 'requests');

    expect(journal.body).toMatchObject({ requests: [{ method: 'GET', status: 404 }] });
    expect(cleared.status).toBe(204);
    expect(sim.requests()).toEqual([]);
  });

  it('shows the stored resources by collection, and seeds one', async () => {
    const seeded = await admin('PUT', 'resources/certificates/my-CA-bundle', certificateBody());

    const listed = await admin('GET', 'resources');

    expect(seeded.status).toBe(204);
    expect(listed.body).toEqual({
      certificates: { 'my-CA-bundle': certificateBody() },
      'external-accounts': {},
      'certificate-authorities': {},
    });
  });

  it('refuses to seed an unknown collection', async () => {
    const refused = await admin('PUT', 'resources/clusters/c1', { name: 'c1' });

    expect(refused.status).toBe(400);
  });

  it('expires every access token issued so far', async () => {
    const expired = await admin('POST', 'tokens/expire');

    expect(expired.status).toBe(204);
    expect((await getBundle()).status).toBe(401);
  });

  it('resets resources, faults, journal and tokens', async () => {
    seedDocumented(sim, 'certificates');
    sim.injectFault({ status: 500 });

    const reset = await admin('POST', 'reset');

    expect(reset.status).toBe(204);
    expect(sim.requests()).toEqual([]);
    expect(sim.resources('certificates').size).toBe(0);
    const fresh = await accessToken(sim);
    expect((await tsmCall(sim, fresh, 'certificates', 'my-CA-bundle')).status).toBe(404);
    expect((await getBundle()).status).toBe(401);
  });
});
