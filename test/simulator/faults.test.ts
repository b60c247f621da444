import diagnosticsChannel from 'node:diagnostics_channel';
import { errors } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COLLECTION_PATHS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { accessToken, authorize, certificateBody, tsmCall } from './helpers.js';

const BUNDLE_PATH = `${COLLECTION_PATHS.certificates}/my-CA-bundle`;

describe('injected faults', () => {
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

  const putBundle = (timeoutMs?: number) =>
    tsmCall(sim, token, 'certificates', 'my-CA-bundle', {
      method: 'PUT',
      body: certificateBody(),
      timeoutMs,
    });
  const getBundle = () => tsmCall(sim, token, 'certificates', 'my-CA-bundle');

  it('answers the status and Retry-After in seconds, performing nothing', async () => {
    sim.injectFault({ path: BUNDLE_PATH, status: 503, retryAfter: '2' });

    const faulted = await putBundle();

    expect(faulted.status).toBe(503);
    expect(faulted.headers['retry-after']).toBe('2');
    expect(faulted.body).toEqual({ code: 503, message: 'simulated fault: 503' });
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
    expect((await putBundle()).status).toBe(201);
  });

  it('sends a Retry-After HTTP date as given, and a custom body', async () => {
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    sim.injectFault({ status: 429, retryAfter: date, body: { message: 'slow down' } });

    const faulted = await getBundle();

    expect(faulted.status).toBe(429);
    expect(faulted.headers['retry-after']).toBe(date);
    expect(faulted.body).toEqual({ message: 'slow down' });
  });

  it('applies to as many matching requests as its count, then no more', async () => {
    sim.injectFault({ status: 500, count: 2 });

    const statuses = [(await getBundle()).status, (await getBundle()).status];

    expect(statuses).toEqual([500, 500]);
    expect((await getBundle()).status).toBe(404);
  });

  it('applies without end with an Infinity count, until the faults are cleared', async () => {
    sim.injectFault({ status: 502, count: Infinity });
    for (let i = 0; i < 5; i += 1) expect((await getBundle()).status).toBe(502);

    sim.clearFaults();

    expect((await getBundle()).status).toBe(404);
  });

  it('matches faults in the order they were injected', async () => {
    sim.injectFault({ path: '/tsm/*', status: 500 });
    sim.injectFault({ path: BUNDLE_PATH, status: 503 });

    expect((await getBundle()).status).toBe(500);
    expect((await getBundle()).status).toBe(503);
    expect((await getBundle()).status).toBe(404);
  });

  it('matches on method, exact path, prefix and any regular expression', async () => {
    sim.injectFault({ method: 'put', status: 500 });
    sim.injectFault({ path: `${COLLECTION_PATHS.certificates}/other`, status: 501 });
    sim.injectFault({ path: /external-accounts\/.+$/g, status: 502, count: 2 });
    sim.injectFault({ path: `${COLLECTION_PATHS['certificate-authorities']}/*`, status: 503 });

    expect((await getBundle()).status).toBe(404);
    expect((await tsmCall(sim, token, 'certificates', 'other')).status).toBe(501);
    expect((await tsmCall(sim, token, 'external-accounts', 'a')).status).toBe(502);
    expect((await tsmCall(sim, token, 'external-accounts', 'a')).status).toBe(502);
    expect((await tsmCall(sim, token, 'certificate-authorities', 'c')).status).toBe(503);
    expect((await putBundle()).status).toBe(500);
  });

  it('delays the answer by delayMs', async () => {
    sim.injectFault({ path: BUNDLE_PATH, delayMs: 150 });
    const started = performance.now();

    const answer = await getBundle();

    expect(answer.status).toBe(404);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('performs nothing for a client that gave up during the delay, and journals 499', async () => {
    sim.injectFault({ path: BUNDLE_PATH, delayMs: 5_000 });

    await expect(putBundle(100)).rejects.toMatchObject({ name: 'TimeoutError' });

    await vi.waitFor(() => expect(sim.requests().at(-1)?.status).toBe(499));
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
  });

  it('drops the connection without answering and performs nothing', async () => {
    sim.injectFault({ path: BUNDLE_PATH, drop: true });

    await expect(putBundle()).rejects.toBeInstanceOf(errors.SocketError);

    expect(sim.requests().map((recorded) => recorded.status)).toEqual(['dropped']);
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
    expect((await putBundle()).status).toBe(201);
  });

  it('drops after the delay when both are asked', async () => {
    sim.injectFault({ path: BUNDLE_PATH, drop: true, delayMs: 100 });
    const started = performance.now();

    await expect(getBundle()).rejects.toBeInstanceOf(errors.SocketError);

    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('with applyFirst, performs the operation and then answers the fault status', async () => {
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, status: 500, applyFirst: true });

    const faulted = await putBundle();

    expect(faulted.status).toBe(500);
    expect(sim.resource('certificates', 'my-CA-bundle')).toEqual(certificateBody());
    expect(sim.requests().at(-1)?.status).toBe(500);
  });

  it('with applyFirst, performs the operation and then drops the connection', async () => {
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, drop: true, applyFirst: true });

    await expect(putBundle()).rejects.toBeInstanceOf(errors.SocketError);

    expect(sim.resource('certificates', 'my-CA-bundle')).toEqual(certificateBody());
    expect((await putBundle()).status).toBe(200);
  });

  it('with applyFirst and a delay, applies even for a client that timed out', async () => {
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, delayMs: 5_000, applyFirst: true });

    await expect(putBundle(100)).rejects.toMatchObject({ name: 'TimeoutError' });

    expect(sim.resource('certificates', 'my-CA-bundle')).toEqual(certificateBody());
  });

  it('applies at CSP too', async () => {
    sim.injectFault({ path: '/csp/*', status: 503, retryAfter: '1' });
    sim.injectFault({ path: '/csp/*', drop: true });

    const unavailable = await authorize(sim);
    await expect(authorize(sim)).rejects.toBeInstanceOf(errors.SocketError);

    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect((await authorize(sim)).status).toBe(200);
  });

  it('does not hold up close() while a long delay is pending', async () => {
    sim.injectFault({ delayMs: 60_000 });
    const sent = new Promise<void>((resolve) => {
      const onSent = () => {
        diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onSent);
        resolve();
      };
      diagnosticsChannel.subscribe('undici:client:sendHeaders', onSent);
    });
    const pending = getBundle().catch((error: unknown) => error);
    await sent;

    await sim.close();

    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('configured latency', () => {
  let sim: Simulator;

  afterEach(async () => {
    await sim.close();
  });

  it('adds latencyMs to every TSM call but not to the CSP exchange', async () => {
    sim = await startSimulator({ latencyMs: 200 });

    const cspStarted = performance.now();
    const token = await accessToken(sim);
    const cspMs = performance.now() - cspStarted;
    const tsmStarted = performance.now();
    await tsmCall(sim, token, 'certificates', 'x');
    const tsmMs = performance.now() - tsmStarted;

    expect(cspMs).toBeLessThan(150);
    expect(tsmMs).toBeGreaterThanOrEqual(190);
  });
});
