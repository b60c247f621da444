/**
 * Contract cases for recovery's takeover: exactly the integrations whose runner is gone and the
 * failed rollbacks due for a retry, handed over with their journal and attempt count, each to
 * one recoverer only.
 */
import { expect, it } from 'vitest';
import type { IntegrationStatus } from '../../src/orchestration/integration.js';
import type { Lease, RecoveryCandidate } from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import {
  RUNNER,
  at,
  journalEntry,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';

/** Registers the recovery cases. */
export function recoveryCases(subject: ContractSubject): void {
  const start = (id: string, leaseSeconds = 30, createdAt = at(0)) =>
    subject.store.startIntegration(
      startOf(id, {
        state: stateOf(startedIntegration(id, 'in_progress', createdAt)),
        lease: { owner: RUNNER, expiresAt: at(leaseSeconds) },
      }),
    );
  const save = (id: string, status: IntegrationStatus, owner = RUNNER) =>
    subject.store.saveIntegration(stateOf(startedIntegration(id, status)), [], owner);
  const settle = (id: string, status: IntegrationStatus, retryAt?: string, owner = RUNNER) =>
    subject.store.settleIntegration(stateOf(startedIntegration(id, status)), [], owner, {
      releaseClaims: false,
      releaseIdempotencyKey: false,
      ...(retryAt === undefined ? {} : { retryRecoveryAt: retryAt }),
    });
  const lease = (owner: string, seconds: number): Lease => ({ owner, expiresAt: at(seconds) });
  const idsOf = (taken: RecoveryCandidate[]) => taken.map((c) => c.state.integration.id);

  it('takes the unfinished ones without a live lease and the failed rollbacks due', async () => {
    await start('expired-in-progress');
    await start('expired-rolling-back');
    await save('expired-rolling-back', 'rolling_back');
    await start('live-lease', 60);
    await start('released', 600);
    await subject.store.releaseLease('released', RUNNER);
    for (const [id, status, retryAt] of [
      ['succeeded', 'succeeded', undefined],
      ['rolled-back', 'rolled_back', undefined],
      ['failed-due', 'rollback_failed', at(31)],
      ['failed-later', 'rollback_failed', at(32)],
      ['failed-never', 'rollback_failed', undefined],
    ] as const) {
      await start(id);
      await settle(id, status, retryAt);
    }

    const taken = await subject.store.takeOverForRecovery(lease('recovery-1', 61), at(31), 500);

    expect(idsOf(taken)).toEqual([
      'expired-in-progress',
      'expired-rolling-back',
      'failed-due',
      'released',
    ]);
    expect(await subject.store.takeOverForRecovery(lease('recovery-2', 61), at(31), 500)).toEqual(
      [],
    );
  });

  it('hands over the integration with its journal as last saved', async () => {
    await start('int-1');
    const saved = stateOf(startedIntegration('int-1', 'rolling_back'), [
      journalEntry(1, 'applied'),
      { ...journalEntry(2, 'uncertain'), kind: 'account', change: 'create', undo: 'intent' },
    ]);
    await subject.store.saveIntegration(saved, [], RUNNER);

    const taken = await subject.store.takeOverForRecovery(lease('recovery-1', 90), at(60), 10);

    expect(taken).toStrictEqual([{ state: saved, recoveryAttempts: 0 }]);
  });

  it('counts the times recovery has taken an integration before', async () => {
    await start('int-1');
    const first = await subject.store.takeOverForRecovery(lease('recovery-1', 40), at(30), 10);
    const second = await subject.store.takeOverForRecovery(lease('recovery-2', 50), at(40), 10);
    await settle('int-1', 'rollback_failed', at(60), 'recovery-2');
    const third = await subject.store.takeOverForRecovery(lease('recovery-3', 90), at(60), 10);

    const attempts = [first, second, third].map((taken) => taken.map((c) => c.recoveryAttempts));
    expect(attempts).toEqual([[0], [1], [2]]);
  });

  it('never hands one integration to two concurrent recoverers', async () => {
    const ids = Array.from({ length: 12 }, (_, index) => `int-${index + 10}`);
    for (const id of ids) await start(id);

    const [one, two] = await Promise.all([
      subject.store.takeOverForRecovery(lease('recovery-1', 90), at(60), 500),
      subject.store.takeOverForRecovery(lease('recovery-2', 90), at(60), 500),
    ]);

    const taken = [...idsOf(one ?? []), ...idsOf(two ?? [])];
    expect(taken.toSorted()).toEqual(ids.toSorted());
  });

  it('takes at most `limit`, the oldest first', async () => {
    await start('newest', 30, at(-1));
    await start('oldest', 30, at(-3));
    await start('middle', 30, at(-2));

    const taken = await subject.store.takeOverForRecovery(lease('recovery-1', 90), at(60), 2);

    expect(idsOf(taken)).toEqual(['oldest', 'middle']);
  });

  it('refuses a takeover lease that is already over, or a limit outside 1 to 500', async () => {
    const takeOver = (expiresAt: string, limit = 10) =>
      subject.store.takeOverForRecovery({ owner: 'recovery-1', expiresAt }, at(60), limit);

    await expect(takeOver(at(60))).rejects.toThrow(RangeError);
    await expect(takeOver(at(90), 0)).rejects.toThrow(RangeError);
    await expect(takeOver(at(90), 501)).rejects.toThrow(RangeError);
    await expect(
      subject.store.takeOverForRecovery(lease('recovery-1', 90), 'now', 10),
    ).rejects.toThrow(RangeError);
  });
}
