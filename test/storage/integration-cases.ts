/**
 * Contract cases for integrations: what a start stores comes back, a save by the lease's holder
 * replaces it, and an integration never changes without its audit records, nor they without it.
 */
import { expect, it } from 'vitest';
import type { ContractSubject } from './store-contract.js';
import {
  RUNNER,
  auditEntry,
  entryWithoutActor,
  failedIntegration,
  idempotencyKey,
  startOf,
  startedIntegration,
  stateOf,
} from './store-fixtures.js';

/** Registers the integration cases. */
export function integrationCases(subject: ContractSubject): void {
  const auditOf = async (integrationId: string) =>
    (await subject.store.queryAudit({ integrationId, limit: 500 })).records;
  const actionsOf = async (integrationId: string) =>
    (await auditOf(integrationId)).map((record) => record.action);

  it('returns an integration exactly as it was started, with its audit records', async () => {
    const integration = failedIntegration('int-1');
    const outcome = await subject.store.startIntegration(
      startOf('int-1', { state: stateOf(integration) }),
    );

    expect(outcome).toEqual({ started: true });
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(integration);
    expect(await actionsOf('int-1')).toEqual(['integration.started']);
  });

  it('answers undefined for an id that was never stored', async () => {
    expect(await subject.store.getIntegration('never-stored')).toBeUndefined();
  });

  it('replaces the stored integration on save and appends the save’s audit records', async () => {
    await subject.store.startIntegration(startOf('int-1'));
    const finished = failedIntegration('int-1');
    await subject.store.saveIntegration(
      stateOf(finished),
      [auditEntry({ action: 'integration.failed' })],
      RUNNER,
    );

    expect(await subject.store.getIntegration('int-1')).toStrictEqual(finished);
    expect(await actionsOf('int-1')).toEqual(['integration.failed', 'integration.started']);
  });

  it('refuses to start an integration whose id is taken, keeping the first', async () => {
    await subject.store.startIntegration(startOf('int-1'));

    const second = startOf('int-1', {
      state: stateOf(failedIntegration('int-1')),
      claims: [],
      audit: [auditEntry({ action: 'integration.duplicate' })],
    });
    await expect(subject.store.startIntegration(second)).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(startedIntegration('int-1'));
    expect(await actionsOf('int-1')).toEqual(['integration.started']);
  });

  it('stores nothing of a start when the database refuses one of its audit records', async () => {
    const start = startOf('int-1', {
      idempotencyKey: idempotencyKey('int-1'),
      audit: [auditEntry(), entryWithoutActor()],
    });

    await expect(subject.store.startIntegration(start)).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toBeUndefined();
    expect(await auditOf('int-1')).toEqual([]);
    // Neither its claims nor its key were kept: the same start, made valid, goes through.
    const again = await subject.store.startIntegration({ ...start, audit: [auditEntry()] });
    expect(again).toEqual({ started: true });
  });

  it('keeps the previous version when the database refuses an audit record of a save', async () => {
    await subject.store.startIntegration(startOf('int-1'));

    const saving = subject.store.saveIntegration(
      stateOf(failedIntegration('int-1')),
      [auditEntry({ action: 'integration.failed' }), entryWithoutActor()],
      RUNNER,
    );

    await expect(saving).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(startedIntegration('int-1'));
    expect(await actionsOf('int-1')).toEqual(['integration.started']);
  });

  it('refuses audit details that cannot be written as JSON, storing nothing', async () => {
    const start = startOf('int-1', { audit: [auditEntry({ details: { attempts: 1n } })] });

    await expect(subject.store.startIntegration(start)).rejects.toThrow(/not JSON-serializable/);
    expect(await subject.store.getIntegration('int-1')).toBeUndefined();
    expect(await auditOf('int-1')).toEqual([]);
  });

  it('refuses a lease or key expiry that is not an ISO 8601 time, storing nothing', async () => {
    const badLease = startOf('int-1', { lease: { owner: RUNNER, expiresAt: 'soon' } });
    const badKey = startOf('int-1', {
      idempotencyKey: idempotencyKey('int-1', { expiresAt: '2025-03-02T12:00:00' }),
    });

    await expect(subject.store.startIntegration(badLease)).rejects.toThrow(RangeError);
    await expect(subject.store.startIntegration(badKey)).rejects.toThrow(RangeError);
    expect(await subject.store.getIntegration('int-1')).toBeUndefined();
  });
}
