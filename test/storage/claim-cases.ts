/**
 * Contract cases for claims on TSM resource ids: one integration holds an id at a time, a
 * refused start names the claim and its holder and stores nothing, and a settlement releases
 * the claims only when told.
 */
import { expect, it } from 'vitest';
import type { ResourceClaim } from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import { RUNNER, claimsOf, startOf, startedIntegration, stateOf } from './store-fixtures.js';

/** Registers the claim cases. */
export function claimCases(subject: ContractSubject): void {
  const settle = (id: string, releaseClaims: boolean) =>
    subject.store.settleIntegration(
      stateOf(startedIntegration(id, releaseClaims ? 'succeeded' : 'rollback_failed')),
      [],
      RUNNER,
      { releaseClaims, releaseIdempotencyKey: false },
    );

  it('refuses a start whose resource id is held, naming it and its holder', async () => {
    const held: ResourceClaim = { kind: 'certificateAuthority', id: 'shared-ca' };
    await subject.store.startIntegration(startOf('int-1', { claims: [held] }));
    const own: ResourceClaim[] = [
      { kind: 'caBundle', id: 'int-2-bundle' },
      { kind: 'account', id: 'int-2-account' },
    ];

    const outcome = await subject.store.startIntegration(
      startOf('int-2', { claims: [...own, held] }),
    );

    expect(outcome).toEqual({ started: false, reason: 'claimed', claim: held, heldBy: 'int-1' });
    expect(await subject.store.getIntegration('int-2')).toBeUndefined();
    const { records } = await subject.store.queryAudit({ integrationId: 'int-2', limit: 10 });
    expect(records).toEqual([]);
    // The ids it claimed before meeting the held one were let go with the rest.
    expect(await subject.store.startIntegration(startOf('int-3', { claims: own }))).toEqual({
      started: true,
    });
  });

  it('claims an id per kind: the same id of another kind is free', async () => {
    await subject.store.startIntegration(
      startOf('int-1', { claims: [{ kind: 'caBundle', id: 'same' }] }),
    );

    const outcome = await subject.store.startIntegration(
      startOf('int-2', { claims: [{ kind: 'account', id: 'same' }] }),
    );

    expect(outcome).toEqual({ started: true });
  });

  it('lets exactly one of two concurrent starts on one resource id through', async () => {
    const claims = claimsOf('contested');
    const outcomes = await Promise.all([
      subject.store.startIntegration(startOf('int-1', { claims })),
      subject.store.startIntegration(startOf('int-2', { claims })),
    ]);

    const started = outcomes.flatMap((outcome, index) => (outcome.started ? [index] : []));
    expect(started).toHaveLength(1);
    const [winner, loser] = started[0] === 0 ? ['int-1', 'int-2'] : ['int-2', 'int-1'];
    expect(outcomes).toContainEqual({
      started: false,
      reason: 'claimed',
      claim: claims[0],
      heldBy: winner,
    });
    expect(await subject.store.getIntegration(loser)).toBeUndefined();
  });

  it('frees the claims when a settlement releases them, and keeps them otherwise', async () => {
    await subject.store.startIntegration(startOf('int-1', { claims: claimsOf('released') }));
    await subject.store.startIntegration(startOf('int-2', { claims: claimsOf('kept') }));
    await settle('int-1', true);
    await settle('int-2', false);

    expect(
      await subject.store.startIntegration(startOf('int-3', { claims: claimsOf('released') })),
    ).toEqual({ started: true });
    expect(
      await subject.store.startIntegration(startOf('int-4', { claims: claimsOf('kept') })),
    ).toMatchObject({ started: false, reason: 'claimed', heldBy: 'int-2' });
  });

  it('claims an id listed twice once, and starts', async () => {
    const [bundle] = claimsOf('int-1');
    const claims = bundle === undefined ? [] : [bundle, { ...bundle }];

    expect(await subject.store.startIntegration(startOf('int-1', { claims }))).toEqual({
      started: true,
    });
  });
}
