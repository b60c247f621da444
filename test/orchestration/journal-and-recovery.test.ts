/**
 * The write-ahead journal, leases and recovery, driven with the fake TSM and the memory store:
 * what is committed before each change, how a halted run hands over, and how recovery rolls an
 * abandoned integration back from its journal alone.
 */
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/domain/fingerprint.js';
import { planResources } from '../../src/domain/tsm-bodies.js';
import type { Integration } from '../../src/orchestration/integration.js';
import type { JournalEntry } from '../../src/orchestration/journal.js';
import { RecoverySweeper } from '../../src/orchestration/recovery-sweeper.js';
import { failures } from './fake-tsm-client.js';
import {
  exampleIntegration,
  harness,
  INTEGRATION_ID,
  LEASE_MS,
  RECOVERY_BACKOFF_MS,
  replacing,
  type Harness,
} from './fixtures.js';

const DEAD_RUNNER = 'runner-that-died';

/** A sweeper over the harness's world, owned by a second runner. */
function sweeper(world: Harness): RecoverySweeper {
  return new RecoverySweeper(
    { ...world.deps, owner: 'recoverer' },
    { registry: world.registry, recoveryBackoffMs: RECOVERY_BACKOFF_MS, intervalMs: 60_000 },
  );
}

/**
 * Leaves the store as a runner that died would: the integration started (claims, lease, key)
 * and its journal as given, its lease about to run out; TSM holds what `inTsm` says.
 */
async function abandoned(world: Harness, journal: JournalEntry[]): Promise<Integration> {
  const { store, clock } = world;
  const plan = planResources(exampleIntegration());
  const integration: Integration = {
    id: world.deps.newId(),
    status: 'in_progress',
    caLabel: 'my-ca-label',
    actor: 'ops-team',
    requestId: 'req-1',
    onExisting: 'reject',
    resources: plan.map(({ kind, id }) => ({
      kind,
      id,
      tsmPath: world.tsm.resourcePath(kind, id),
      outcome: 'pending',
    })),
    steps: [],
    warnings: [],
    createdAt: clock.now().toISOString(),
    updatedAt: clock.now().toISOString(),
  };
  const lease = {
    owner: DEAD_RUNNER,
    expiresAt: new Date(clock.now().getTime() + LEASE_MS).toISOString(),
  };
  const started = await store.startIntegration({
    state: { integration, journal },
    claims: plan.map(({ kind, id }) => ({ kind, id })),
    lease,
    idempotencyKey: {
      actor: 'ops-team',
      key: 'key-1',
      fingerprint: 'f',
      integrationId: INTEGRATION_ID,
      expiresAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
    },
    audit: [],
  });
  expect(started).toEqual({ started: true });
  return integration;
}

function entry(
  seq: number,
  kind: JournalEntry['kind'],
  id: string,
  write: JournalEntry['write'],
): JournalEntry {
  const paths = {
    caBundle: '/tsm/v1alpha2/projects/default/certificates/',
    account: '/tsm/v1alpha1/external-accounts/',
    certificateAuthority: '/tsm/v1alpha2/projects/default/certificate-authorities/',
  };
  return {
    seq,
    kind,
    id,
    tsmPath: paths[kind] + id,
    change: 'create',
    bodyFingerprint: 'f',
    write,
  };
}

describe('the write-ahead journal', () => {
  it('commits each write’s intent before TSM is called, and its outcome after', async () => {
    const world = harness();
    const seen: JournalEntry[][] = [];
    world.tsm.script('PUT', 'account', {
      during: () => {
        seen.push(world.store.stateHistory(INTEGRATION_ID).at(-1)?.journal ?? []);
        return Promise.resolve();
      },
    });

    await world.run();

    expect(seen[0]?.map((e) => `${e.kind}:${e.write}`)).toEqual([
      'caBundle:applied',
      'account:intent',
    ]);
    const final = world.store.stateHistory(INTEGRATION_ID).at(-1)?.journal ?? [];
    expect(final.map((e) => `${e.kind}:${e.write}`)).toEqual([
      'caBundle:applied',
      'account:applied',
      'certificateAuthority:applied',
    ]);
    const account = planResources(exampleIntegration())[1];
    expect(final[1]?.bodyFingerprint).toBe(fingerprintOf(account?.body));
  });

  it('keeps the replaced version in the journal before it is overwritten', async () => {
    const world = harness();
    const before = { name: 'old', provider_url: 'https://old:8200' };
    world.tsm.seed('account', 'my-vault-account', before);
    const seen: (JournalEntry | undefined)[] = [];
    world.tsm.script('PUT', 'account', {
      during: () => {
        seen.push(world.store.stateHistory(INTEGRATION_ID).at(-1)?.journal[1]);
        return Promise.resolve();
      },
    });

    await world.run(replacing());

    expect(seen[0]).toMatchObject({ change: 'replace', write: 'intent', snapshot: before });
  });

  it('releases the claims and keeps the key when the integration ends', async () => {
    const world = harness();

    const outcome = await world.runOutcome(exampleIntegration(), {
      idempotencyKey: { key: 'k', fingerprint: 'f', expiresAt: '2099-01-01T00:00:00.000Z' },
    });

    expect(outcome.kind).toBe('finished');
    expect(world.store.heldClaims()).toEqual([]);
    expect(world.store.leaseOf(INTEGRATION_ID)).toBeUndefined();
    const again = await world.runOutcome(exampleIntegration(), {
      idempotencyKey: { key: 'k', fingerprint: 'f', expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect(again).toMatchObject({ kind: 'not-started', refusal: { reason: 'idempotency-key' } });
  });
});

describe('a run that is halted', () => {
  it('by shutdown stops at its next step, gives its lease up and leaves the rest to recovery', async () => {
    const world = harness();
    world.tsm.script('PUT', 'account', {
      during: async (options) => {
        void world.registry.drain(0);
        // The call in flight is cut off by the abort, as the real client's is.
        await new Promise((resolve) => options.signal?.addEventListener('abort', resolve));
      },
      failure: failures.timeout(),
      uncertain: true,
    });

    const outcome = await world.runOutcome();

    expect(outcome).toMatchObject({ kind: 'halted', reason: 'shutdown' });
    const lease = world.store.leaseOf(INTEGRATION_ID);
    expect(lease === undefined || Date.parse(lease.expiresAt) <= world.clock.now().getTime()).toBe(
      true,
    );
    expect(world.tsm.callNames().slice(3)).toEqual(['PUT caBundle', 'PUT account']);
    const journal = world.store.stateHistory(INTEGRATION_ID).at(-1)?.journal ?? [];
    expect(journal.map((e) => `${e.kind}:${e.write}`)).toEqual([
      'caBundle:applied',
      'account:intent',
    ]);
    expect(world.audit().at(-1)?.action).toBe('integration.handed_over');
  });

  it('by losing its lease stops without touching TSM again', async () => {
    const world = harness();
    world.tsm.script('PUT', 'account', {
      during: async () => {
        world.clock.advance(LEASE_MS + 1);
        const lease = { owner: 'other', expiresAt: '2099-01-01T00:00:00.000Z' };
        const taken = await world.store.takeOverForRecovery(
          lease,
          world.clock.now().toISOString(),
          5,
        );
        expect(taken).toHaveLength(1);
      },
    });

    const outcome = await world.runOutcome();

    expect(outcome).toMatchObject({ kind: 'halted', reason: 'lease-lost' });
    expect(world.tsm.callNames().slice(3)).toEqual(['PUT caBundle', 'PUT account']);
    expect(world.store.leaseOf(INTEGRATION_ID)?.owner).toBe('other');
    // The trail is the new owner's now: nothing of the halted runner may follow its records.
    expect(world.audit().map(({ action }) => action)).not.toContain('integration.handed_over');
  });
});

describe('recovery of an integration whose runner died', () => {
  it('deletes what the journal says was applied, newest first, and ends rolled_back', async () => {
    const world = harness();
    await abandoned(world, [
      entry(1, 'caBundle', 'my-CA-bundle', 'applied'),
      entry(2, 'account', 'my-vault-account', 'applied'),
    ]);
    world.tsm.seed('caBundle', 'my-CA-bundle', { name: 'b' });
    world.tsm.seed('account', 'my-vault-account', { name: 'a' });

    expect(await sweeper(world).sweepOnce()).toBe(0); // the lease is still live
    world.clock.advance(LEASE_MS + 1);
    expect(await sweeper(world).sweepOnce()).toBe(1);

    expect(world.tsm.callNames()).toEqual(['DELETE account', 'DELETE caBundle']);
    const stored = await world.store.getIntegration(INTEGRATION_ID);
    expect(stored).toMatchObject({
      status: 'rolled_back',
      failure: { code: 'INTEGRATION_INTERRUPTED' },
    });
    expect(world.store.heldClaims()).toEqual([]);
    const actions = world.audit().map((record) => record.action);
    expect(actions[0]).toBe('recovery.started');
    expect(actions.at(-1)).toBe('integration.rolled_back');
    expect(world.audit().every((record) => record.actor === 'system')).toBe(true);
  });

  it('reads TSM to settle a write whose outcome was never recorded', async () => {
    const world = harness();
    await abandoned(world, [
      entry(1, 'caBundle', 'my-CA-bundle', 'applied'),
      entry(2, 'account', 'my-vault-account', 'intent'),
    ]);
    world.tsm.seed('caBundle', 'my-CA-bundle', { name: 'b' });
    world.clock.advance(LEASE_MS + 1);

    await sweeper(world).sweepOnce();

    expect(world.tsm.callNames()).toEqual(['GET account', 'DELETE caBundle']);
    const journal = world.store.stateHistory(INTEGRATION_ID).at(-1)?.journal ?? [];
    expect(journal.map((e) => e.undo)).toEqual(['done', 'not-needed']);
  });

  it('lets go of the caller’s idempotency key, so the caller’s retry runs afresh', async () => {
    const world = harness();
    await abandoned(world, [entry(1, 'caBundle', 'my-CA-bundle', 'applied')]);
    world.clock.advance(LEASE_MS + 1);

    await sweeper(world).sweepOnce();

    const retry = await world.runOutcome(exampleIntegration(), {
      idempotencyKey: { key: 'key-1', fingerprint: 'f', expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect(retry.kind).toBe('finished');
  });

  it('retries a rollback that failed, after a pause that grows, until it is clean', async () => {
    const world = harness();
    await abandoned(world, [entry(1, 'caBundle', 'my-CA-bundle', 'applied')]);
    world.tsm.seed('caBundle', 'my-CA-bundle', { name: 'b' });
    world.tsm.script('DELETE', 'caBundle', { failure: failures.unavailable() });
    world.clock.advance(LEASE_MS + 1);
    const recovery = sweeper(world);

    await recovery.sweepOnce();
    expect(await world.store.getIntegration(INTEGRATION_ID)).toMatchObject({
      status: 'rollback_failed',
      failure: { code: 'ROLLBACK_FAILED', causeCode: 'INTEGRATION_INTERRUPTED' },
      leftInTsm: [{ kind: 'caBundle', state: 'created-not-deleted' }],
    });
    expect(world.store.heldClaims()).not.toEqual([]);

    expect(await recovery.sweepOnce()).toBe(0); // not before its pause
    world.clock.advance(RECOVERY_BACKOFF_MS);
    expect(await recovery.sweepOnce()).toBe(1);

    const stored = await world.store.getIntegration(INTEGRATION_ID);
    expect(stored).toMatchObject({ status: 'rolled_back' });
    expect(stored?.leftInTsm).toBeUndefined();
    expect(world.tsm.held('caBundle', 'my-CA-bundle')).toBeUndefined();
    expect(world.store.heldClaims()).toEqual([]);
  });
});
