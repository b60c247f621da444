/**
 * Contract cases for callers' idempotency keys: a live key answers with the integration it
 * started and nothing is stored, an expired or released one is as good as absent, keys belong
 * to their caller, and the purge removes exactly the expired ones.
 */
import { expect, it } from 'vitest';
import type { ContractSubject } from './store-contract.js';
import {
  RUNNER,
  at,
  idempotencyKey,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';

/** Registers the idempotency key cases. */
export function idempotencyCases(subject: ContractSubject): void {
  const startWithKey = (id: string, key = idempotencyKey(id)) =>
    subject.store.startIntegration(startOf(id, { idempotencyKey: key }));
  const settle = (id: string, releaseIdempotencyKey: boolean) =>
    subject.store.settleIntegration(stateOf(startedIntegration(id, 'rolled_back')), [], RUNNER, {
      releaseClaims: true,
      releaseIdempotencyKey,
    });

  it('answers a live key with the integration it started, storing nothing else', async () => {
    const first = idempotencyKey('int-1');
    await startWithKey('int-1', first);

    const outcome = await startWithKey('int-2', idempotencyKey('int-2', { fingerprint: 'other' }));

    expect(outcome).toEqual({ started: false, reason: 'idempotency-key', existing: first });
    expect(await subject.store.getIntegration('int-2')).toBeUndefined();
    const { records } = await subject.store.queryAudit({ integrationId: 'int-2', limit: 10 });
    expect(records).toEqual([]);
    // int-2's resource ids were not claimed: another start may take them.
    expect(
      await subject.store.startIntegration(startOf('int-3', { claims: startOf('int-2').claims })),
    ).toEqual({ started: true });
  });

  it('keeps the settled integration with the key as its answer, when asked to', async () => {
    const first = idempotencyKey('int-1');
    await startWithKey('int-1', first);
    const answered = startedIntegration('int-1', 'rollback_failed');
    await subject.store.settleIntegration(stateOf(answered), [], RUNNER, {
      releaseClaims: false,
      releaseIdempotencyKey: false,
      recordAnswer: true,
    });
    const outcome = await startWithKey('int-2');

    expect(outcome).toEqual({
      started: false,
      reason: 'idempotency-key',
      existing: { ...first, answer: answered },
    });
  });

  it('starts afresh when the key has expired, and then answers with the new one', async () => {
    await startWithKey('int-1', idempotencyKey('int-1', { expiresAt: at(60) }));
    subject.clock.set(at(60));

    const fresh = idempotencyKey('int-2', { expiresAt: at(120) });
    expect(await startWithKey('int-2', fresh)).toEqual({ started: true });
    expect(await startWithKey('int-3')).toEqual({
      started: false,
      reason: 'idempotency-key',
      existing: fresh,
    });
  });

  it('keeps keys apart by caller', async () => {
    await startWithKey('int-1', idempotencyKey('int-1', { actor: 'alice' }));

    expect(await startWithKey('int-2', idempotencyKey('int-2', { actor: 'bob' }))).toEqual({
      started: true,
    });
  });

  it('lets exactly one of two concurrent starts with the same key through', async () => {
    const outcomes = await Promise.all([startWithKey('int-1'), startWithKey('int-2')]);

    expect(outcomes.filter((outcome) => outcome.started)).toHaveLength(1);
    const refused = outcomes.find((outcome) => !outcome.started);
    const winner = outcomes[0]?.started === true ? 'int-1' : 'int-2';
    expect(refused).toMatchObject({
      reason: 'idempotency-key',
      existing: { integrationId: winner },
    });
  });

  it('forgets the key when a settlement releases it, and keeps it otherwise', async () => {
    await startWithKey('int-1', idempotencyKey('int-1', { key: 'released' }));
    await startWithKey('int-2', idempotencyKey('int-2', { key: 'kept' }));
    await settle('int-1', true);
    await settle('int-2', false);

    expect(await startWithKey('int-3', idempotencyKey('int-3', { key: 'released' }))).toEqual({
      started: true,
    });
    expect(await startWithKey('int-4', idempotencyKey('int-4', { key: 'kept' }))).toMatchObject({
      started: false,
      existing: { integrationId: 'int-2' },
    });
  });

  it('purges the keys expired at the time given, and counts them', async () => {
    await startWithKey('int-1', idempotencyKey('int-1', { key: 'a', expiresAt: at(10) }));
    await startWithKey('int-2', idempotencyKey('int-2', { key: 'b', expiresAt: at(20) }));
    await startWithKey('int-3', idempotencyKey('int-3', { key: 'c', expiresAt: at(30) }));

    expect(await subject.store.purgeExpiredIdempotencyKeys(at(20))).toBe(2);
    expect(await subject.store.purgeExpiredIdempotencyKeys(at(20))).toBe(0);
    // The key still live goes on answering.
    expect(await startWithKey('int-4', idempotencyKey('int-4', { key: 'c' }))).toMatchObject({
      started: false,
      existing: { integrationId: 'int-3' },
    });
  });
}
