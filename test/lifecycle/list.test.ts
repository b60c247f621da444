/**
 * GET /vault-integrations over real HTTP: newest first, narrowed by status, CA label, actor and
 * creation time, and paged by a cursor that stays exact while new integrations are created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALLER_KEY, startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest } from '../support/requests.js';
import { expectStatus } from '../http/support/http-expectations.js';
import type { IntegrationView, ProblemView } from './support.js';

const TICKETING_KEY = 'ticketing-key-0123456789abcdef';
const READER_KEY = 'reader-key-0123456789abcdef';

interface PageView {
  integrations: IntegrationView[];
  nextCursor?: string;
}

/** A request of its own TSM ids, so that each one creates its three resources. */
function requestNumbered(n: number, label = `label-${n}`) {
  const example = documentationRequest();
  return documentationRequest({
    caBundle: { ...example.caBundle, id: `bundle-${n}` },
    account: { ...example.account, id: `account-${n}` },
    certificateAuthority: { ...example.certificateAuthority, id: `ca-${n}`, label },
  });
}

describe('listing integrations', () => {
  let harness: Harness;
  let next = 0;

  beforeEach(async () => {
    harness = await startHarness({
      env: {
        API_KEYS: `portal=${CALLER_KEY},ticketing=${TICKETING_KEY},reader[integrations:read]=${READER_KEY}`,
      },
    });
  });
  afterEach(() => harness.close());

  const create = async (options: { label?: string; key?: string } = {}) => {
    next += 1;
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    const answer = await harness.call('POST', '/vault-integrations', {
      body: requestNumbered(next, options.label),
      headers,
    });
    return expectStatus<IntegrationView>(answer, 201);
  };
  const list = async (query: string) =>
    expectStatus<PageView>(await harness.call('GET', `/vault-integrations?${query}`), 200);
  const idsOf = (page: PageView) => page.integrations.map((integration) => integration.id);

  it('answers newest first', async () => {
    const first = await create();
    const second = await create();
    const third = await create();

    const page = await list('limit=10');

    expect(idsOf(page)).toEqual([third.id, second.id, first.id]);
    expect(page.nextCursor).toBeUndefined();
  });

  it('narrows by status, CA label and actor, each alone and combined', async () => {
    const shared = await create({ label: 'shared-label' });
    const ticketing = await create({ label: 'shared-label', key: TICKETING_KEY });
    const other = await create({ label: 'other-label', key: TICKETING_KEY });
    expectStatus(await harness.call('DELETE', `/vault-integrations/${shared.id}`), 200);

    expect(idsOf(await list('status=deleted'))).toEqual([shared.id]);
    expect(idsOf(await list('status=succeeded'))).toEqual([other.id, ticketing.id]);
    expect(idsOf(await list('caLabel=shared-label'))).toEqual([ticketing.id, shared.id]);
    expect(idsOf(await list('actor=ticketing'))).toEqual([other.id, ticketing.id]);
    expect(idsOf(await list('actor=ticketing&caLabel=shared-label'))).toEqual([ticketing.id]);
    expect(idsOf(await list('actor=portal&status=succeeded'))).toEqual([]);
    expect(ticketing.actor).toBe('ticketing');
  });

  it('narrows by creation time: createdAfter inclusive, createdBefore exclusive', async () => {
    const first = await create();
    const second = await create();
    const third = await create();
    const since = encodeURIComponent(second.createdAt);

    expect(idsOf(await list(`createdAfter=${since}`))).toEqual([third.id, second.id]);
    expect(idsOf(await list(`createdBefore=${since}`))).toEqual([first.id]);
    expect(idsOf(await list(`createdAfter=${since}&createdBefore=${since}`))).toEqual([]);
  });

  it('pages through every integration once while new ones are created', async () => {
    const existing: string[] = [];
    for (let n = 0; n < 5; n += 1) existing.unshift((await create()).id);

    const seen: string[] = [];
    const arrived: string[] = [];
    let page = await list('limit=2');
    for (;;) {
      seen.push(...idsOf(page));
      arrived.unshift((await create()).id);
      if (page.nextCursor === undefined) break;
      page = await list(`limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
    }

    expect(seen).toEqual(existing);
    const fresh = await list('limit=3');
    expect(idsOf(fresh)).toEqual(arrived);
  });

  it('lets a caller with only integrations:read list, but not delete or preview', async () => {
    const created = await create();
    const reader = { authorization: `Bearer ${READER_KEY}` };

    const listed = await harness.call('GET', '/vault-integrations', { headers: reader });
    const deleted = await harness.call('DELETE', `/vault-integrations/${created.id}`, {
      headers: reader,
    });
    const previewed = await harness.call('POST', '/vault-integrations?dryRun=true', {
      body: requestNumbered(99),
      headers: reader,
    });

    expect(idsOf(expectStatus<PageView>(listed, 200))).toEqual([created.id]);
    expect(expectStatus<ProblemView>(deleted, 403).code).toBe('INSUFFICIENT_SCOPE');
    expect(expectStatus<ProblemView>(previewed, 403).code).toBe('INSUFFICIENT_SCOPE');
    expect(idsOf(await list('status=succeeded'))).toEqual([created.id]);
  });

  it('refuses a cursor it did not issue and a malformed time, naming the parameter', async () => {
    const cursor = await harness.call('GET', '/vault-integrations?cursor=not-a-cursor');
    const time = await harness.call('GET', '/vault-integrations?createdAfter=yesterday');
    const status = await harness.call('GET', '/vault-integrations?status=gone');

    expect(expectStatus<ProblemView>(cursor, 400).errors).toEqual([
      expect.objectContaining({ pointer: '/cursor', code: 'INVALID_CURSOR' }),
    ]);
    const timeErrors = expectStatus<ProblemView>(time, 400).errors ?? [];
    expect(timeErrors).toEqual([
      expect.objectContaining({ pointer: '/createdAfter', code: 'INVALID_VALUE' }),
    ]);
    expect(timeErrors[0]!.message).toContain('such as 2026-12-01T00:00:00Z');
    expect(timeErrors[0]!.message).not.toContain('^\\d');
    const statusErrors = expectStatus<ProblemView>(status, 400).errors ?? [];
    expect(statusErrors).toEqual([
      expect.objectContaining({ pointer: '/status', code: 'INVALID_VALUE' }),
    ]);
    expect(statusErrors[0]!.message).toContain('one of: in_progress, succeeded,');
    expect(statusErrors[0]!.message).toContain('rollback_failed');
  });

  it('takes a date alone as a time bound, as GET /audit-records does', async () => {
    const dated = await harness.call('GET', '/vault-integrations?createdAfter=2000-01-01');
    const audited = await harness.call('GET', '/audit-records?since=2000-01-01&limit=1');
    const badAudit = await harness.call('GET', '/audit-records?since=yesterday');

    expect(dated.status, dated.text).toBe(200);
    expect(audited.status, audited.text).toBe(200);
    const errors = expectStatus<ProblemView>(badAudit, 400).errors ?? [];
    expect(errors).toEqual([expect.objectContaining({ pointer: '/since', code: 'INVALID_VALUE' })]);
    expect(errors[0]!.message).toContain('such as 2026-12-01T00:00:00Z');
  });
});
