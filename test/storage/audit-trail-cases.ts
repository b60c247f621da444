/**
 * Contract cases for the audit trail: what is appended comes back newest first, every filter
 * and time bound selects what it says, and pages cover every record exactly once.
 */
import { expect, it } from 'vitest';
import { InvalidCursorError, type AuditQuery, type Store } from '../../src/storage/store.js';
import type { ContractSubject } from './store-contract.js';
import { auditEntry } from './store-fixtures.js';

/** Registers the audit trail cases. */
export function auditTrailCases(subject: ContractSubject): void {
  it('returns appended records newest first, with ids and the time they were stored', async () => {
    subject.clock.set('2025-03-01T12:34:56.789Z');
    const withIntegration = auditEntry({ details: { method: 'PUT', status: 201 } });
    const withoutIntegration = auditEntry({ action: 'http.request' });
    delete withoutIntegration.integrationId;
    await subject.store.appendAudit([withIntegration, withoutIntegration]);

    const { records, nextCursor } = await subject.store.queryAudit({ limit: 10 });

    const [newerId, olderId] = records.map((record) => record.id);
    const at = '2025-03-01T12:34:56.789Z';
    expect(records).toStrictEqual([
      { ...withoutIntegration, id: newerId, at },
      { ...withIntegration, id: olderId, at },
    ]);
    expect(Number.isSafeInteger(olderId)).toBe(true);
    expect(newerId).toBeGreaterThan(olderId ?? Infinity);
    expect(nextCursor).toBeUndefined();
  });

  it('filters by integration id, actor and action, exactly and in combination', async () => {
    await subject.store.appendAudit([
      auditEntry({
        requestId: 'r1',
        integrationId: 'int-1',
        actor: 'alice',
        action: 'integration.started',
      }),
      auditEntry({ requestId: 'r2', integrationId: 'int-1', actor: 'system', action: 'tsm.call' }),
      auditEntry({ requestId: 'r3', integrationId: 'int-2', actor: 'alice', action: 'tsm.call' }),
      auditEntry({
        requestId: 'r4',
        integrationId: undefined,
        actor: 'bob',
        action: 'http.request',
      }),
    ]);
    const requestIds = (query: Omit<AuditQuery, 'limit'>) => requestIdsOf(subject.store, query);

    expect(await requestIds({ integrationId: 'int-1' })).toEqual(['r2', 'r1']);
    expect(await requestIds({ actor: 'alice' })).toEqual(['r3', 'r1']);
    expect(await requestIds({ action: 'tsm.call' })).toEqual(['r3', 'r2']);
    expect(await requestIds({ action: 'tsm' })).toEqual([]);
    expect(await requestIds({ integrationId: 'int-1', action: 'tsm.call' })).toEqual(['r2']);
    expect(await requestIds({ actor: 'alice', integrationId: 'int-2' })).toEqual(['r3']);
  });

  it('filters by the request that caused the records', async () => {
    await subject.store.appendAudit([
      auditEntry({ requestId: 'req-a', action: 'http.request' }),
      auditEntry({ requestId: 'req-b', action: 'integration.started' }),
      auditEntry({ requestId: 'req-a', action: 'integration.started' }),
    ]);
    const actions = async (query: Omit<AuditQuery, 'limit'>) =>
      (await subject.store.queryAudit({ ...query, limit: 10 })).records.map((r) => r.action);

    expect(await actions({ requestId: 'req-a' })).toEqual(['integration.started', 'http.request']);
    expect(await actions({ requestId: 'req-a', action: 'http.request' })).toEqual(['http.request']);
    expect(await actions({ requestId: 'req' })).toEqual([]);
  });

  it('takes since as inclusive and until as exclusive, whatever the ISO 8601 form', async () => {
    const stored = [
      ['r1', '2025-03-01T10:00:00.000Z'],
      ['r2', '2025-03-01T10:00:01.000Z'],
      ['r3', '2025-03-01T10:00:02.500Z'],
    ] as const;
    for (const [requestId, at] of stored) {
      subject.clock.set(at);
      await subject.store.appendAudit([auditEntry({ requestId })]);
    }
    const requestIds = (query: Omit<AuditQuery, 'limit'>) => requestIdsOf(subject.store, query);

    expect(await requestIds({ since: '2025-03-01T10:00:01.000Z' })).toEqual(['r3', 'r2']);
    expect(await requestIds({ until: '2025-03-01T10:00:01.000Z' })).toEqual(['r1']);
    expect(
      await requestIds({ since: '2025-03-01T10:00:00.000Z', until: '2025-03-01T10:00:02.500Z' }),
    ).toEqual(['r2', 'r1']);
    expect(await requestIds({ since: '2025-03-01T10:00:01Z' })).toEqual(['r3', 'r2']);
    expect(await requestIds({ since: '2025-03-01T12:00:01+02:00' })).toEqual(['r3', 'r2']);
    expect(await requestIds({ since: '2025-03-01T10:00:01.0001Z' })).toEqual(['r3']);
    expect(await requestIds({ until: '2025-03-01T10:00:01.0001Z' })).toEqual(['r2', 'r1']);
    expect(await requestIds({ until: '2025-03-02' })).toEqual(['r3', 'r2', 'r1']);
  });

  it('refuses a time bound that is not an ISO 8601 time with a zone', async () => {
    for (const since of ['yesterday', '2025-03-01T10:00:00', '2025-13-45T99:00:00Z']) {
      await expect(subject.store.queryAudit({ since, limit: 10 })).rejects.toThrow(RangeError);
    }
  });

  it('pages through every record once, newest first, while new records arrive', async () => {
    await appendNumbered(subject.store, 1, 25);

    const seen: unknown[] = [];
    let page = await subject.store.queryAudit({ action: 'tsm.call', limit: 10 });
    for (let next = 26; ; next += 3) {
      seen.push(...page.records.map((record) => record.details.n));
      await appendNumbered(subject.store, next, next + 2);
      if (page.nextCursor === undefined) break;
      page = await subject.store.queryAudit({
        action: 'tsm.call',
        limit: 10,
        cursor: page.nextCursor,
      });
    }

    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => 25 - index));
  });

  it('gives no cursor after a page that holds exactly the last records', async () => {
    await appendNumbered(subject.store, 1, 4);

    const first = await subject.store.queryAudit({ limit: 2 });
    const last = await subject.store.queryAudit({ limit: 2, cursor: first.nextCursor });

    expect(first.nextCursor).toEqual(expect.any(String));
    expect(last.records.map((record) => record.details.n)).toEqual([2, 1]);
    expect(last.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue', async () => {
    await appendNumbered(subject.store, 1, 3);
    const issued = (await subject.store.queryAudit({ limit: 1 })).nextCursor ?? '';
    const forged = (text: string) => Buffer.from(text).toString('base64url');

    for (const cursor of [
      '',
      'not a cursor!',
      `${issued}A`,
      `${issued}!`,
      forged('hello'),
      forged('audit-before:-1'),
    ]) {
      await expect(subject.store.queryAudit({ limit: 1, cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    }
  });

  it('refuses a page size outside 1 to 500', async () => {
    for (const limit of [0, 501, 1.5, Number.NaN]) {
      await expect(subject.store.queryAudit({ limit })).rejects.toThrow(RangeError);
    }
    await expect(subject.store.queryAudit({ limit: 500 })).resolves.toEqual({ records: [] });
  });

  it('answers a ping', async () => {
    await expect(subject.store.ping()).resolves.toBeUndefined();
  });
}

async function requestIdsOf(store: Store, query: Omit<AuditQuery, 'limit'>): Promise<string[]> {
  const { records } = await store.queryAudit({ ...query, limit: 500 });
  return records.map((record) => record.requestId);
}

async function appendNumbered(store: Store, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n += 1) {
    await store.appendAudit([auditEntry({ action: 'tsm.call', details: { n } })]);
  }
}
