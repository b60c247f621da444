/**
 * Contract cases for integrations: what is stored comes back, a save replaces, and an
 * integration never changes without its audit records, nor they without it.
 */
import { expect, it } from 'vitest';
import { UnknownIntegrationError } from '../../src/storage/errors.js';
import type { ContractSubject } from './store-contract.js';
import {
  auditEntry,
  entryWithoutActor,
  failedIntegration,
  startedIntegration,
} from './store-fixtures.js';

/** Registers the integration cases. */
export function integrationCases(subject: ContractSubject): void {
  const auditOf = async (integrationId: string) =>
    (await subject.store.queryAudit({ integrationId, limit: 500 })).records;

  it('returns an integration exactly as it was created, with its audit records', async () => {
    const integration = failedIntegration('int-1');
    await subject.store.createIntegration(integration, [auditEntry({ integrationId: 'int-1' })]);

    expect(await subject.store.getIntegration('int-1')).toStrictEqual(integration);
    expect((await auditOf('int-1')).map((record) => record.action)).toEqual([
      'integration.started',
    ]);
  });

  it('answers undefined for an id that was never stored', async () => {
    expect(await subject.store.getIntegration('never-stored')).toBeUndefined();
  });

  it('replaces the stored integration on save and appends the save’s audit records', async () => {
    await subject.store.createIntegration(startedIntegration('int-1'), [auditEntry()]);
    const finished = failedIntegration('int-1');
    await subject.store.saveIntegration(finished, [auditEntry({ action: 'integration.failed' })]);

    expect(await subject.store.getIntegration('int-1')).toStrictEqual(finished);
    expect((await auditOf('int-1')).map((record) => record.action)).toEqual([
      'integration.failed',
      'integration.started',
    ]);
  });

  it('refuses to save an integration that was never created, storing nothing', async () => {
    const saving = subject.store.saveIntegration(startedIntegration('ghost'), [
      auditEntry({ integrationId: 'ghost' }),
    ]);

    await expect(saving).rejects.toBeInstanceOf(UnknownIntegrationError);
    expect(await subject.store.getIntegration('ghost')).toBeUndefined();
    expect(await auditOf('ghost')).toEqual([]);
  });

  it('refuses to create an integration whose id is taken, keeping the first', async () => {
    const first = startedIntegration('int-1');
    await subject.store.createIntegration(first, []);

    await expect(
      subject.store.createIntegration(failedIntegration('int-1'), [auditEntry()]),
    ).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(first);
    expect(await auditOf('int-1')).toEqual([]);
  });

  it('stores no integration when the database refuses one of its audit records', async () => {
    const creating = subject.store.createIntegration(startedIntegration('int-1'), [
      auditEntry(),
      entryWithoutActor(),
    ]);

    await expect(creating).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toBeUndefined();
    expect(await auditOf('int-1')).toEqual([]);
  });

  it('keeps the previous version when the database refuses an audit record of a save', async () => {
    const started = startedIntegration('int-1');
    await subject.store.createIntegration(started, [auditEntry()]);

    const saving = subject.store.saveIntegration(failedIntegration('int-1'), [
      auditEntry({ action: 'integration.failed' }),
      entryWithoutActor(),
    ]);

    await expect(saving).rejects.toThrow();
    expect(await subject.store.getIntegration('int-1')).toStrictEqual(started);
    expect((await auditOf('int-1')).map((record) => record.action)).toEqual([
      'integration.started',
    ]);
  });

  it('refuses audit details that cannot be written as JSON, storing nothing', async () => {
    const creating = subject.store.createIntegration(startedIntegration('int-1'), [
      auditEntry({ details: { attempts: 1n } }),
    ]);

    await expect(creating).rejects.toThrow(/not JSON-serializable/);
    expect(await subject.store.getIntegration('int-1')).toBeUndefined();
    expect(await auditOf('int-1')).toEqual([]);
  });
}
