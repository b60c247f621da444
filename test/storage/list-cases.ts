/**
 * Contract cases for the integration list: newest first, by status when asked, and pages that
 * cover every integration once while new ones arrive.
 */
import { expect, it } from 'vitest';
import type { IntegrationStatus } from '../../src/orchestration/integration.js';
import {
  InvalidCursorError,
  type IntegrationListQuery,
  type IntegrationPage,
} from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import { RUNNER, at, startOf, startedIntegration, stateOf } from './store-fixtures.js';

/** Registers the list cases. */
export function listCases(subject: ContractSubject): void {
  const start = (id: string, seconds: number, status: IntegrationStatus = 'in_progress') =>
    subject.store.startIntegration(
      startOf(id, { state: stateOf(startedIntegration(id, status, at(seconds))) }),
    );
  const idsOf = (page: IntegrationPage) => page.integrations.map((integration) => integration.id);
  const list = (query: IntegrationListQuery) => subject.store.listIntegrations(query);

  it('lists integrations newest first, as stored and without their journal', async () => {
    await start('int-a', 1);
    await start('int-c', 3);
    await start('int-b', 2);

    const page = await list({ limit: 10 });

    expect(idsOf(page)).toEqual(['int-c', 'int-b', 'int-a']);
    expect(page.integrations[0]).toStrictEqual(startedIntegration('int-c', 'in_progress', at(3)));
    expect(page.nextCursor).toBeUndefined();
  });

  it('lists only the integrations of the status asked for', async () => {
    await start('int-1', 1);
    await start('int-2', 2, 'rollback_failed');
    await start('int-3', 3);
    await start('int-4', 4, 'rollback_failed');
    await subject.store.saveIntegration(
      stateOf(startedIntegration('int-3', 'rollback_failed', at(3))),
      [],
      RUNNER,
    );

    expect(idsOf(await list({ status: 'rollback_failed', limit: 10 }))).toEqual([
      'int-4',
      'int-3',
      'int-2',
    ]);
    expect(idsOf(await list({ status: 'in_progress', limit: 10 }))).toEqual(['int-1']);
    expect(idsOf(await list({ status: 'succeeded', limit: 10 }))).toEqual([]);
  });

  it('pages through every integration once while new ones are started', async () => {
    for (let n = 1; n <= 25; n += 1) await start(`int-${n}`, n);

    const seen: string[] = [];
    let page = await list({ limit: 10 });
    for (let next = 26; ; next += 3) {
      seen.push(...idsOf(page));
      for (let n = next; n < next + 3; n += 1) await start(`int-${n}`, n);
      if (page.nextCursor === undefined) break;
      page = await list({ limit: 10, cursor: page.nextCursor });
    }

    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `int-${25 - index}`));
  });

  it('breaks ties of creation time by id, across page boundaries', async () => {
    for (const id of ['int-b', 'int-d', 'int-a', 'int-e', 'int-c']) await start(id, 7);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ status: 'in_progress', limit: 2, cursor });
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    expect(seen).toEqual(['int-e', 'int-d', 'int-c', 'int-b', 'int-a']);
  });

  it('refuses a cursor it did not issue', async () => {
    for (let n = 1; n <= 3; n += 1) await start(`int-${n}`, n);
    const issued = (await list({ limit: 1 })).nextCursor ?? '';
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    const auditCursor = (await auditPageCursor(subject)) ?? '';

    for (const cursor of [
      '',
      'not a cursor!',
      `${issued}A`,
      forged('integrations-before:["2025-03-01T12:00:02.000Z"]'),
      forged('integrations-before:[1,2]'),
      forged('integrations-before:not json'),
      auditCursor,
    ]) {
      await expect(list({ limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });

  it('refuses a page size outside 1 to 500', async () => {
    for (const limit of [0, 501, 1.5, Number.NaN]) {
      await expect(list({ limit })).rejects.toThrow(RangeError);
    }
    await expect(list({ limit: 500 })).resolves.toEqual({ integrations: [] });
  });
}

async function auditPageCursor(subject: ContractSubject): Promise<string | undefined> {
  const entry = { action: 'http.request', actor: 'ops-team', requestId: 'r', details: {} };
  await subject.store.appendAudit([entry, entry]);
  return (await subject.store.queryAudit({ limit: 1 })).nextCursor;
}
