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

  it('lists only the integrations of a CA label, of an actor, and created in a time window', async () => {
    const startAs = (id: string, seconds: number, caLabel: string, actor: string) =>
      subject.store.startIntegration(
        startOf(id, {
          state: stateOf({ ...startedIntegration(id, 'succeeded', at(seconds)), caLabel, actor }),
        }),
      );
    await startAs('int-1', 1, 'blue', 'portal');
    await startAs('int-2', 2, 'green', 'portal');
    await startAs('int-3', 3, 'blue', 'ops-team');
    await startAs('int-4', 4, 'blue', 'portal');

    expect(idsOf(await list({ caLabel: 'blue', limit: 10 }))).toEqual(['int-4', 'int-3', 'int-1']);
    expect(idsOf(await list({ actor: 'portal', limit: 10 }))).toEqual(['int-4', 'int-2', 'int-1']);
    expect(idsOf(await list({ caLabel: 'blue', actor: 'portal', limit: 10 }))).toEqual([
      'int-4',
      'int-1',
    ]);
    // At or after createdAfter, before createdBefore; an offset names the same instant.
    expect(idsOf(await list({ createdAfter: at(2), createdBefore: at(4), limit: 10 }))).toEqual([
      'int-3',
      'int-2',
    ]);
    expect(
      idsOf(
        await list({ createdAfter: '2025-03-01T13:00:03+01:00', status: 'succeeded', limit: 10 }),
      ),
    ).toEqual(['int-4', 'int-3']);
    expect(idsOf(await list({ caLabel: 'red', limit: 10 }))).toEqual([]);
  });

  it('pages through a filtered list once while matching integrations keep arriving', async () => {
    const startLabelled = (id: string, seconds: number, caLabel: string) =>
      subject.store.startIntegration(
        startOf(id, {
          state: stateOf({ ...startedIntegration(id, 'in_progress', at(seconds)), caLabel }),
        }),
      );
    for (let n = 1; n <= 12; n += 1)
      await startLabelled(`int-${n}`, n, n % 2 === 0 ? 'even' : 'odd');

    const first = await list({ caLabel: 'even', limit: 4 });
    for (let n = 13; n <= 16; n += 1) await startLabelled(`int-${n}`, n, 'even');
    const second = await list({ caLabel: 'even', limit: 4, cursor: first.nextCursor });

    expect(idsOf(first)).toEqual(['int-12', 'int-10', 'int-8', 'int-6']);
    expect(idsOf(second)).toEqual(['int-4', 'int-2']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a time bound that is not a date-time with a zone', async () => {
    await expect(list({ createdAfter: '2025-03-01T12:00:00', limit: 1 })).rejects.toThrow(
      /createdAfter/,
    );
    await expect(list({ createdBefore: 'yesterday', limit: 1 })).rejects.toThrow(RangeError);
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
