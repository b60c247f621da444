/**
 * Held requests: a test hears of a request the moment it reaches the simulator, before a fault
 * holds it; it can hold it on a latch of its own until it chooses to let it go; and a held write
 * can be delivered late, applied after its client has given up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  COLLECTION_PATHS,
  CSP_AUTHORIZE_PATH,
  startSimulator,
  type ArrivingRequest,
  type Simulator,
} from '../../src/simulator/index.js';
import { accessToken, authorize, call, certificateBody, tsmCall } from './helpers.js';

const BUNDLE_PATH = `${COLLECTION_PATHS.certificates}/my-CA-bundle`;

/** A latch: a promise and the function that settles it. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('arrivals', () => {
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

  const putBundle = () =>
    tsmCall(sim, token, 'certificates', 'my-CA-bundle', { method: 'PUT', body: certificateBody() });

  it('announces a request as it arrives, while its fault still holds it', async () => {
    const gate = latch();
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, releasedBy: gate.opened });
    const arrived = new Promise<ArrivingRequest>((resolve) => sim.onArrival(resolve));

    const answer = putBundle();
    const arrival = await arrived;

    expect(arrival).toEqual({ method: 'PUT', path: BUNDLE_PATH, faulted: true });
    expect(sim.requests()).toEqual([]);
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
    gate.open();
    expect((await answer).status).toBe(201);
  });

  it('says whether a fault matched, announces CSP exchanges, and stops when asked', async () => {
    const heard: ArrivingRequest[] = [];
    const stop = sim.onArrival((request) => heard.push(request));
    sim.injectFault({ method: 'GET', path: BUNDLE_PATH, status: 503 });

    await tsmCall(sim, token, 'certificates', 'my-CA-bundle');
    await tsmCall(sim, token, 'certificates', 'my-CA-bundle');
    await authorize(sim);
    stop();
    await putBundle();

    expect(heard).toEqual([
      { method: 'GET', path: BUNDLE_PATH, faulted: true },
      { method: 'GET', path: BUNDLE_PATH, faulted: false },
      { method: 'POST', path: CSP_AUTHORIZE_PATH, faulted: false },
    ]);
  });

  it('answers as usual when a listener throws, and lets the error surface', async () => {
    const surfaced = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    sim.onArrival(() => {
      throw new Error('listener failed');
    });

    const answer = await putBundle();

    expect(answer.status).toBe(201);
    await expect(surfaced).resolves.toMatchObject({ message: 'listener failed' });
  });
});

describe('faults released by a gate', () => {
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

  it('holds the request until the gate opens, then answers the fault', async () => {
    const gate = latch();
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, status: 503, releasedBy: gate.opened });
    const arrived = new Promise<void>((resolve) => sim.onArrival(() => resolve()));

    const answer = putBundle();
    await arrived;
    await vi.waitFor(() => expect(sim.requests()).toEqual([]));
    gate.open();

    expect((await answer).status).toBe(503);
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
  });

  it('with applyFirst, applies at once and holds only the answer', async () => {
    const gate = latch();
    sim.injectFault({
      method: 'PUT',
      path: BUNDLE_PATH,
      drop: true,
      applyFirst: true,
      releasedBy: gate.opened,
    });

    const answer = putBundle().catch((error: unknown) => error);
    await vi.waitFor(() =>
      expect(sim.resource('certificates', 'my-CA-bundle')).toEqual(certificateBody()),
    );
    gate.open();

    expect(await answer).toBeInstanceOf(Error);
    expect(sim.requests().map((request) => request.status)).toEqual(['dropped']);
  });

  it('waits for the delay too, when both are given', async () => {
    sim.injectFault({ path: BUNDLE_PATH, delayMs: 150, releasedBy: Promise.resolve() });
    const started = performance.now();

    await putBundle();

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('releases the request when the gate rejects', async () => {
    const rejected = Promise.reject(new Error('test moved on'));
    rejected.catch(() => {});
    sim.injectFault({ path: BUNDLE_PATH, releasedBy: rejected });

    expect((await putBundle()).status).toBe(201);
  });

  it('journals 499 and performs nothing for a client that gives up while held', async () => {
    sim.injectFault({ path: BUNDLE_PATH, releasedBy: new Promise(() => {}) });

    await expect(putBundle(100)).rejects.toMatchObject({ name: 'TimeoutError' });

    await vi.waitFor(() => expect(sim.requests().at(-1)?.status).toBe(499));
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();
  });
});

describe('late delivery', () => {
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

  it('applies a held write after its client gave up, and journals 499', async () => {
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, delayMs: 400, deliverLate: true });

    await expect(putBundle(100)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sim.resource('certificates', 'my-CA-bundle')).toBeUndefined();

    await vi.waitFor(() =>
      expect(sim.resource('certificates', 'my-CA-bundle')).toEqual(certificateBody()),
    );
    expect(sim.requests().map((request) => request.status)).toEqual([499]);
  });

  it('answers as usual when the client is still there at the end of the delay', async () => {
    sim.injectFault({ method: 'PUT', path: BUNDLE_PATH, delayMs: 50, deliverLate: true });

    expect((await putBundle()).status).toBe(201);
  });

  it('is refused by the admin surface only when it is not a boolean', async () => {
    const fault = (deliverLate: unknown) =>
      call(`${sim.url}/_sim/faults`, {
        method: 'POST',
        body: { path: BUNDLE_PATH, delayMs: 10, deliverLate },
      });

    expect((await fault(true)).status).toBe(201);
    expect((await fault('yes')).status).toBe(400);
  });
});
