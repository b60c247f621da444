/**
 * Contract cases for starting a deletion: a settled integration moves to deleting with its claims
 * and lease in one step, or not at all; two deletions of one integration start once; and a
 * deletion whose runner is gone is handed to recovery.
 */
import { expect, it } from 'vitest';
import type { IntegrationStatus } from '../../src/orchestration/integration.js';
import type { DeletionStart, ResourceClaim } from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import {
  RUNNER,
  at,
  auditEntry,
  claimsOf,
  journalEntry,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';

const DELETER = 'deleter-1';

/** Registers the deletion cases. */
export function deletionCases(subject: ContractSubject): void {
  const settled = async (id: string, status: IntegrationStatus = 'succeeded') => {
    await subject.store.startIntegration(startOf(id));
    await subject.store.settleIntegration(stateOf(startedIntegration(id, status)), [], RUNNER, {
      releaseClaims: true,
      releaseIdempotencyKey: false,
    });
  };
  const deletion = (id: string, overrides: Partial<DeletionStart> = {}): DeletionStart => ({
    state: stateOf(startedIntegration(id, 'deleting'), [{ ...journalEntry(1), removal: 'intent' }]),
    expectedStatus: 'succeeded',
    claims: claimsOf(id),
    lease: { owner: DELETER, expiresAt: at(30) },
    audit: [auditEntry({ integrationId: id, action: 'integration.deletion_started' })],
    ...overrides,
  });
  const actionsOf = async (id: string) =>
    (await subject.store.queryAudit({ integrationId: id, limit: 50 })).records.map(
      (record) => record.action,
    );

  it('moves a succeeded integration to deleting with its journal, claims and lease', async () => {
    await settled('int-1');

    await expect(subject.store.startDeletion(deletion('int-1'))).resolves.toEqual({
      started: true,
    });

    const state = await subject.store.getIntegrationState('int-1');
    expect(state?.integration.status).toBe('deleting');
    expect(state?.journal).toEqual([{ ...journalEntry(1), removal: 'intent' }]);
    expect(await actionsOf('int-1')).toContain('integration.deletion_started');
    // The deleter holds the lease: it may save, and another integration may not claim the ids.
    await subject.store.saveIntegration(
      stateOf(startedIntegration('int-1', 'deleting')),
      [],
      DELETER,
    );
    const rival = await subject.store.startIntegration(
      startOf('int-2', { claims: claimsOf('int-1') }),
    );
    expect(rival).toMatchObject({ started: false, reason: 'claimed', heldBy: 'int-1' });
  });

  it('starts one deletion when two are asked for the same integration', async () => {
    await settled('int-1');

    const first = await subject.store.startDeletion(deletion('int-1'));
    const second = await subject.store.startDeletion(
      deletion('int-1', { lease: { owner: 'deleter-2', expiresAt: at(30) } }),
    );

    expect([first, second]).toEqual([{ started: true }, { started: false, reason: 'changed' }]);
  });

  it('changes nothing when the integration is not in the status expected', async () => {
    await settled('int-1', 'rolled_back');
    await subject.store.startIntegration(startOf('int-2'));

    for (const id of ['int-1', 'int-2', 'no-such-integration']) {
      await expect(subject.store.startDeletion(deletion(id))).resolves.toEqual({
        started: false,
        reason: 'changed',
      });
    }
    expect((await subject.store.getIntegration('int-1'))?.status).toBe('rolled_back');
    expect(await actionsOf('int-1')).not.toContain('integration.deletion_started');
  });

  it('changes nothing when another integration holds one of the ids', async () => {
    await settled('int-1');
    const shared: ResourceClaim = { kind: 'account', id: 'shared-account' };
    await subject.store.startIntegration(startOf('int-2', { claims: [shared] }));

    const outcome = await subject.store.startDeletion(
      deletion('int-1', { claims: [{ kind: 'caBundle', id: 'mine' }, shared] }),
    );

    expect(outcome).toEqual({ started: false, reason: 'claimed', claim: shared, heldBy: 'int-2' });
    expect((await subject.store.getIntegration('int-1'))?.status).toBe('succeeded');
    expect(await actionsOf('int-1')).not.toContain('integration.deletion_started');
    // The claim on "mine" was rolled back with the rest.
    const next = await subject.store.startIntegration(
      startOf('int-3', { claims: [{ kind: 'caBundle', id: 'mine' }] }),
    );
    expect(next).toEqual({ started: true });
  });

  it('hands a deletion whose lease expired to recovery, with its journal', async () => {
    await settled('int-1');
    await subject.store.startDeletion(deletion('int-1'));

    const early = await subject.store.takeOverForRecovery(
      { owner: 'recovery', expiresAt: at(60) },
      at(29),
      10,
    );
    const taken = await subject.store.takeOverForRecovery(
      { owner: 'recovery', expiresAt: at(90) },
      at(31),
      10,
    );

    expect(early).toEqual([]);
    expect(taken.map((candidate) => candidate.state.integration.status)).toEqual(['deleting']);
    expect(taken[0]?.state.journal[0]?.removal).toBe('intent');
  });
}
