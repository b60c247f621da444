/**
 * GET /audit-records as a caller sees it: each filter narrows the trail, records come newest
 * first, and limit and cursor page through every record exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/domain/audit-actions.js';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import {
  auditRecords,
  expectProblem,
  expectStatus,
  requestWithoutBundle,
  type AuditPageJson,
  type AuditRecordJson,
} from './support/http-expectations.js';

const PIPELINE_KEY = 'pipeline-key-fedcba9876543210';
const AS_PIPELINE = { authorization: `Bearer ${PIPELINE_KEY}` };

describe('the audit trail over HTTP', () => {
  let harness: Harness;
  let portalIntegration: string;
  /** Records caused by the pipeline caller; the tests' own queries are the portal's. */
  let pipelineRecords: AuditRecordJson[];

  beforeAll(async () => {
    harness = await startHarness({
      env: { API_KEYS: `portal=${CALLER_KEY},pipeline=${PIPELINE_KEY}` },
    });
    portalIntegration = await create(harness, 'portal', {});
    await create(harness, 'pipeline', AS_PIPELINE);
    const refused = { ...requestWithoutBundle('refused'), onExisting: 'sometimes' };
    await harness.call('POST', '/vault-integrations', { body: refused, headers: AS_PIPELINE });
    pipelineRecords = await auditRecords(harness, { actor: 'pipeline' });
  });
  afterAll(() => harness.close());

  it('lists records newest first', async () => {
    const records = await auditRecords(harness);

    expect(records.length).toBeGreaterThan(10);
    const ids = records.map((record) => record.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const times = records.map((record) => record.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by integrationId', async () => {
    const records = await auditRecords(harness, { integrationId: portalIntegration });

    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => record.integrationId === portalIntegration)).toBe(true);
    expect(records.map((record) => record.action)).toContain('tsm.call');
  });

  it('filters by actor', () => {
    const actions = new Set(pipelineRecords.map((record) => record.action));

    expect(pipelineRecords.every((record) => record.actor === 'pipeline')).toBe(true);
    expect([...actions]).toEqual(
      expect.arrayContaining(['http.request', 'tsm.call', 'integration.validation_failed']),
    );
  });

  it('filters by action', async () => {
    const records = await auditRecords(harness, { action: 'integration.validation_failed' });

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ actor: 'pipeline' });
  });

  it('filters by since (inclusive) and until (exclusive), in any time zone', async () => {
    const pivot = secondOldestTime(pipelineRecords);
    const olderIds = pipelineRecords.filter((r) => r.at < pivot).map((r) => r.id);
    const newerIds = pipelineRecords.filter((r) => r.at >= pivot).map((r) => r.id);

    const since = await auditRecords(harness, { actor: 'pipeline', since: pivot });
    const until = await auditRecords(harness, { actor: 'pipeline', until: pivot });
    const sinceInParis = await auditRecords(harness, {
      actor: 'pipeline',
      since: withOffset(pivot, 60),
    });

    expect(since.map((record) => record.id)).toEqual(newerIds);
    expect(until.map((record) => record.id)).toEqual(olderIds);
    expect(sinceInParis.map((record) => record.id)).toEqual(newerIds);
  });

  it('walks every record exactly once with limit and cursor', async () => {
    const walked: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ actor: 'pipeline', limit: '3' });
      if (cursor !== undefined) query.set('cursor', cursor);
      const page = expectStatus<AuditPageJson>(
        await harness.call('GET', `/audit-records?${query.toString()}`),
        200,
      );
      expect(page.records.length).toBeLessThanOrEqual(3);
      walked.push(...page.records.map((record) => record.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 100);

    expect(walked).toEqual(pipelineRecords.map((record) => record.id));
    expect(pages).toBe(Math.ceil(pipelineRecords.length / 3));
  });

  it('answers without a limit with a page of the default size', async () => {
    const page = expectStatus<AuditPageJson>(await harness.call('GET', '/audit-records'), 200);

    expect(page.records.length).toBeGreaterThan(0);
    expect(page.records.length).toBeLessThanOrEqual(50);
  });

  it('answers a cursor it did not issue with 400 pointing at /cursor', async () => {
    const answer = await harness.call('GET', '/audit-records?cursor=bm90LWEtY3Vyc29y');

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/cursor' })]);
  });

  it('answers a misspelt filter with 400 rather than ignoring it', async () => {
    const answer = await harness.call('GET', '/audit-records?actr=pipeline');

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: '/actr', code: 'UNKNOWN_FIELD', in: 'querystring' }),
    ]);
  });

  it.each(['bogus', 'tsm', 'TSM.CALL'])(
    'answers action=%s with 400 at /action, listing the actions',
    async (action) => {
      const answer = await harness.call('GET', `/audit-records?action=${action}`);

      const problem = expectProblem(answer, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        expect.objectContaining({ pointer: '/action', in: 'querystring' }),
      ]);
      const [error] = problem.errors as { message: string }[];
      for (const known of AUDIT_ACTIONS) expect(error?.message).toContain(known);
    },
  );

  it('accepts every action of the list as a filter', async () => {
    for (const action of AUDIT_ACTIONS) {
      expectStatus(await harness.call('GET', `/audit-records?action=${action}`), 200);
    }
  });

  it.each(['0', '501', 'ten'])('answers limit=%s with 400 pointing at /limit', async (limit) => {
    const answer = await harness.call('GET', `/audit-records?limit=${limit}`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/limit' })]);
  });

  it.each([
    ['since', '2026-01-01T00:00:00'],
    ['until', '2026-01-01T00:00:00'],
    ['since', 'yesterday'],
  ])('answers %s=%s (no time zone or no time) with 400, not 500', async (name, value) => {
    const answer = await harness.call('GET', `/audit-records?${name}=${value}`);

    const problem = expectProblem(answer, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: `/${name}` })]);
  });
});

async function create(
  harness: Harness,
  suffix: string,
  headers: Record<string, string>,
): Promise<string> {
  const answer = await harness.call('POST', '/vault-integrations', {
    body: requestWithoutBundle(suffix),
    headers,
  });
  return expectStatus<{ id: string }>(answer, 201).id;
}

/** The second distinct time among records, so that some records lie on each side of it. */
function secondOldestTime(records: AuditRecordJson[]): string {
  const times = [...new Set(records.map((record) => record.at))].sort();
  const second = times[1];
  if (second === undefined) throw new Error('the records need at least two distinct times');
  return second;
}

/** The same instant written with a UTC offset of `minutes`. */
function withOffset(iso: string, minutes: number): string {
  const shifted = new Date(Date.parse(iso) + minutes * 60_000).toISOString().slice(0, -1);
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return `${shifted}+${hours}:${String(minutes % 60).padStart(2, '0')}`;
}
