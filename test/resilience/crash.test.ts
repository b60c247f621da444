/**
 * Crash test: the service, as a child process, is killed with SIGKILL while integrations are held
 * at each boundary of their steps, and started again on the same database. Recovery must then
 * leave TSM with all of each integration or none of it, put replaced resources back, leave no
 * claim or lease, end each audit trail in one terminal record, and let go of each caller's
 * Idempotency-Key so that the retry runs afresh. Recovery is itself killed once, and an orderly
 * stop is checked the same way.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IntegrationRequest } from '../../src/domain/integration-request.js';
import { RESOURCE_KINDS, type ResourceKind } from '../../src/domain/resources.js';
import { BOUNDARIES, heldInTsm } from './support/crash-boundaries.js';
import { CrashBench } from './support/crash-bench.js';
import { integrationRow, readDatabase, type IntegrationRow } from './support/database-view.js';
import { arrivalOf } from './support/latches.js';
import { handMadeAccount, idOf, namedRequest, tsmPathOf } from './support/requests.js';

/** Longer than any test: a held call is answered only once its caller is dead. */
const HOLD_MS = 120_000;

/** A fresh request, known to the bench's expectations; a replacing one finds an account. */
function prepare(bench: CrashBench, name: string, replacesAccount = false): IntegrationRequest {
  const request = namedRequest(name, replacesAccount ? 'replace' : 'reject');
  bench.book.expectRequest(request);
  if (replacesAccount) {
    const accountId = idOf(request, 'account');
    bench.book.seed(bench.sim, 'external-accounts', accountId, handMadeAccount(accountId));
  }
  return request;
}

/** The invariant's violations that concern one integration or its resources. */
function violationsOf(bench: CrashBench, integrationId: string, name: string): string[] {
  return bench
    .violations()
    .filter((violation) => violation.includes(integrationId) || violation.includes(`/${name}-`));
}

/** The same request with the same key, after recovery: a new integration, run to the end. */
async function expectRetryRunsAfresh(
  bench: CrashBench,
  request: IntegrationRequest,
  key: string,
  crashedId: string,
): Promise<void> {
  const retry = await bench.post(request, key);

  expect(retry.status, JSON.stringify(retry.body)).toBe(201);
  expect(retry.headers['idempotent-replayed']).toBeUndefined();
  expect(retry.body.id).not.toBe(crashedId);
}

/** An integration the crash cut short: its request, its row and what TSM held of it then. */
interface CutShort {
  request: IntegrationRequest;
  atCrash: IntegrationRow;
  inTsm: Set<ResourceKind>;
}

/** Sends one integration per boundary, kills the service once all are held; what it cut short. */
async function crashWithEveryBoundaryHeld(bench: CrashBench): Promise<Map<string, CutShort>> {
  const requests = BOUNDARIES.map((boundary) =>
    prepare(bench, boundary.name, boundary.replacesAccount),
  );
  const held = BOUNDARIES.map(async (boundary, index) => {
    const request = requests[index] ?? namedRequest(boundary.name);
    const at = boundary.hold(request, bench.sim);
    await arrivalOf(bench.sim, at.method, at.path);
    const ready = boundary.ready;
    if (ready === undefined) return;
    await vi.waitFor(() => expect(ready(request, bench.sim)).toBe(true), { timeout: 5_000 });
  });
  const unanswered = requests.map((request, index) =>
    bench.post(request, `key-${index}`).catch((error: unknown) => error),
  );

  await Promise.all(held);
  await bench.crash();
  await Promise.all(unanswered);
  return whatWasCutShort(bench, requests);
}

function whatWasCutShort(bench: CrashBench, requests: IntegrationRequest[]): Map<string, CutShort> {
  const rows = readDatabase(bench.dbPath).integrations;
  const cut = new Map<string, CutShort>();
  requests.forEach((request, index) => {
    const accountId = idOf(request, 'account');
    const row = rows.find(({ integration }) =>
      integration.resources.some((resource) => resource.id === accountId),
    );
    const inTsm = new Set(RESOURCE_KINDS.filter((kind) => heldInTsm(request, bench.sim, kind)));
    const name = BOUNDARIES[index]?.name;
    if (row !== undefined && name !== undefined) cut.set(name, { request, atCrash: row, inTsm });
  });
  return cut;
}

describe('a crash with an integration held at every step boundary, then a restart', () => {
  let bench: CrashBench;
  let cut: Map<string, CutShort>;

  beforeAll(async () => {
    bench = await CrashBench.open();
    await bench.startService();
    cut = await crashWithEveryBoundaryHeld(bench);
    bench.sim.clearFaults();
    await bench.restartAndRecoverAll();
  }, 60_000);

  afterAll(async () => {
    await bench.close();
  });

  it.each(BOUNDARIES.map((boundary, index) => [boundary.title, boundary, index] as const))(
    '%s',
    async (_title, boundary, index) => {
      const crashed = cut.get(boundary.name);
      if (crashed === undefined) throw new Error(`no integration ${boundary.name} was cut short`);
      const { request, atCrash, inTsm } = crashed;
      const id = atCrash.integration.id;
      boundary.atCrash(atCrash, (kind) => inTsm.has(kind));

      expect(integrationRow(bench.dbPath, id).integration.status).toBe('rolled_back');
      expect(violationsOf(bench, id, boundary.name)).toEqual([]);
      boundary.afterRecovery?.(request, bench.sim);
      await expectRetryRunsAfresh(bench, request, `key-${index}`, id);
      expect(violationsOf(bench, id, boundary.name)).toEqual([]);
    },
  );
});

describe('a crash during recovery, and an orderly stop', () => {
  let bench: CrashBench;

  beforeEach(async () => {
    bench = await CrashBench.open();
    await bench.startService();
  });

  afterEach(async () => {
    await bench.close();
  });

  it('rolls back whole after recovery itself was killed mid-compensation', async () => {
    const request = prepare(bench, 'twice');
    const accountPath = tsmPathOf(request, 'account');
    bench.sim.injectFault({ method: 'PUT', path: accountPath, delayMs: HOLD_MS });
    const id = await bench.crashAt(request, 'key-twice', { method: 'PUT', path: accountPath });
    bench.sim.clearFaults();
    const bundlePath = tsmPathOf(request, 'caBundle');
    bench.sim.injectFault({ method: 'DELETE', path: bundlePath, delayMs: HOLD_MS });
    const recoveryCrashed = bench.crashWhen(
      (call) => call.method === 'DELETE' && call.path === bundlePath,
    );

    await bench.startService();
    await recoveryCrashed;

    expect(integrationRow(bench.dbPath, id)).toMatchObject({
      integration: { status: 'rolling_back' },
      journal: [
        { kind: 'caBundle', write: 'applied', undo: 'intent' },
        { kind: 'account', write: 'intent', undo: 'not-needed' },
      ],
    });
    bench.sim.clearFaults();
    expect(await bench.restartAndRecover(id), bench.output()).toBe('rolled_back');
    expect(bench.violations()).toEqual([]);
    await expectRetryRunsAfresh(bench, request, 'key-twice', id);
  });

  it('answers 503 on SIGTERM while a write is held, then rolls back after a restart', async () => {
    const request = prepare(bench, 'stopped');
    const caPath = tsmPathOf(request, 'certificateAuthority');
    bench.sim.injectFault({ method: 'PUT', path: caPath, delayMs: HOLD_MS });
    const held = arrivalOf(bench.sim, 'PUT', caPath);
    const answer = bench.post(request, 'key-stopped');
    await held;

    await bench.stopService();

    const stopped = await answer;
    expect(stopped.status).toBe(503);
    expect(stopped.body.code).toBe('INTEGRATION_INTERRUPTED');
    const id = stopped.body.integration?.id ?? '';
    expect(integrationRow(bench.dbPath, id).integration.status).toBe('in_progress');
    bench.sim.clearFaults();
    expect(await bench.restartAndRecover(id), bench.output()).toBe('rolled_back');
    expect(bench.violations()).toEqual([]);
    await expectRetryRunsAfresh(bench, request, 'key-stopped', id);
  });
});
