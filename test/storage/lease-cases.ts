/**
 * Contract cases for leases: only the holder writes (fencing), renewing and releasing act for
 * the holder only, and settling ends the lease.
 */
import { expect, it } from 'vitest';
import { LeaseLostError } from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import {
  RUNNER,
  at,
  auditEntry,
  failedIntegration,
  journalEntry,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';

const OTHER = 'runner-b';
const RECOVERER = 'recovery-1';

/** Registers the lease cases. */
export function leaseCases(subject: ContractSubject): void {
  const save = (owner: string, id = 'int-1') =>
    subject.store.saveIntegration(
      stateOf(failedIntegration(id), [journalEntry(1, 'uncertain')]),
      [auditEntry({ action: 'integration.saved', integrationId: id })],
      owner,
    );
  const settle = (owner: string) =>
    subject.store.settleIntegration(
      stateOf(startedIntegration('int-1', 'rolled_back')),
      [],
      owner,
      {
        releaseClaims: true,
        releaseIdempotencyKey: true,
      },
    );
  const takenAt = async (seconds: number, owner = RECOVERER) => {
    const lease = { owner, expiresAt: at(seconds + 30) };
    const taken = await subject.store.takeOverForRecovery(lease, at(seconds), 500);
    return taken.map((candidate) => candidate.state.integration.id);
  };

  it('refuses a save or settlement by a runner without the lease, changing nothing', async () => {
    await subject.store.startIntegration(startOf('int-1'));

    const saving = save(OTHER);
    await expect(saving).rejects.toBeInstanceOf(LeaseLostError);
    await expect(saving).rejects.toMatchObject({ integrationId: 'int-1' });
    await expect(settle(OTHER)).rejects.toBeInstanceOf(LeaseLostError);

    expect(await subject.store.getIntegration('int-1')).toStrictEqual(startedIntegration('int-1'));
    const { records } = await subject.store.queryAudit({ integrationId: 'int-1', limit: 10 });
    expect(records.map((record) => record.action)).toEqual(['integration.started']);
    expect(
      await subject.store.startIntegration(startOf('int-2', { claims: startOf('int-1').claims })),
    ).toMatchObject({ started: false, heldBy: 'int-1' });
  });

  it('refuses a save of an integration that was never started', async () => {
    await expect(save(RUNNER, 'ghost')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await subject.store.getIntegration('ghost')).toBeUndefined();
  });

  it('fences the first runner out once recovery has taken the integration over', async () => {
    await subject.store.startIntegration(startOf('int-1'));
    expect(await takenAt(31)).toEqual(['int-1']);

    await expect(save(RUNNER)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await subject.store.renewLease('int-1', RUNNER, at(90))).toBe(false);
    await expect(save(RECOVERER)).resolves.toBeUndefined();
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(failedIntegration('int-1'));
  });

  it('lets a runner save after its lease expired while nobody took it over', async () => {
    await subject.store.startIntegration(startOf('int-1'));
    subject.clock.set(at(90));

    await save(RUNNER);

    expect(await subject.store.getIntegration('int-1')).toStrictEqual(failedIntegration('int-1'));
  });

  it('renews the lease for its holder only, which keeps recovery away', async () => {
    await subject.store.startIntegration(startOf('int-1'));

    expect(await subject.store.renewLease('int-1', OTHER, at(600))).toBe(false);
    expect(await subject.store.renewLease('int-1', RUNNER, at(90))).toBe(true);
    expect(await subject.store.renewLease('ghost', RUNNER, at(90))).toBe(false);

    expect(await takenAt(60)).toEqual([]);
    expect(await takenAt(90)).toEqual(['int-1']);
  });

  it('releases a lease so that recovery may take the integration at once', async () => {
    await subject.store.startIntegration(startOf('int-1'));
    subject.clock.set(at(5));

    await subject.store.releaseLease('int-1', OTHER);
    expect(await takenAt(5)).toEqual([]);

    await subject.store.releaseLease('int-1', RUNNER);
    expect(await takenAt(5)).toEqual(['int-1']);
  });

  it('ends the lease on settlement, so its runner can write no more', async () => {
    await subject.store.startIntegration(startOf('int-1'));
    await settle(RUNNER);

    await expect(save(RUNNER)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await subject.store.renewLease('int-1', RUNNER, at(90))).toBe(false);
    await expect(settle(RUNNER)).rejects.toBeInstanceOf(LeaseLostError);
    expect((await subject.store.getIntegration('int-1'))?.status).toBe('rolled_back');
  });
}
