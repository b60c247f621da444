/**
 * The invariant checker of the crash and chaos tests, proven able to fail: each rule reports the
 * rows and TSM states that break it, so a green crash or chaos test means the invariant held.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Integration, IntegrationStatus } from '../../src/orchestration/integration.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { DatabaseSnapshot, IntegrationRow } from './support/database-view.js';
import { ExpectationBook } from './support/expectations.js';
import { findViolations } from './support/invariant.js';
import { handMadeAccount, namedRequest } from './support/requests.js';

const REQUEST = namedRequest('checked');
const RESOURCES = [
  { kind: 'caBundle', id: 'checked-bundle', collection: 'certificates' },
  { kind: 'account', id: 'checked-account', collection: 'external-accounts' },
  { kind: 'certificateAuthority', id: 'checked-ca', collection: 'certificate-authorities' },
] as const;

function row(status: IntegrationStatus, changes: Partial<Integration> = {}): IntegrationRow {
  const written = status === 'succeeded' ? 'created' : 'deleted';
  const integration: Integration = {
    id: 'integration-1',
    status,
    caLabel: 'checked-label',
    actor: 'portal',
    requestId: 'request-1',
    onExisting: 'reject',
    resources: RESOURCES.map(({ kind, id }) => ({ kind, id, tsmPath: `/${id}`, outcome: written })),
    steps: [],
    warnings: [],
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:01.000Z',
    ...changes,
  };
  return { integration, journal: [], leaseOwner: null, leaseExpiresAt: null };
}

function snapshot(rows: IntegrationRow[], actions?: string[]): DatabaseSnapshot {
  const trail = (status: string) => ['integration.started', 'tsm.call', `integration.${status}`];
  return {
    integrations: rows,
    claims: [],
    auditActions: new Map(
      rows.map(({ integration }) => [integration.id, actions ?? trail(integration.status)]),
    ),
    idempotencyKeys: [],
  };
}

describe('the invariant checker', () => {
  let sim: Simulator;
  let book: ExpectationBook;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    book = new ExpectationBook();
    book.expectRequest(REQUEST);
  });

  function putAllInTsm(): void {
    for (const { collection, id } of RESOURCES) {
      const desired = book.of(collection, id).desired;
      if (desired !== undefined) sim.seed(collection, id, desired);
    }
  }

  it('finds nothing wrong with a succeeded integration whose bodies are all in TSM', () => {
    putAllInTsm();

    expect(findViolations(snapshot([row('succeeded')]), sim, book)).toEqual([]);
  });

  it('reports an unfinished integration, its lease and the claims it holds', () => {
    const running = { ...row('in_progress'), leaseOwner: 'runner-1', leaseExpiresAt: 'soon' };
    const state = snapshot([running], ['integration.started', 'journal.intent']);
    state.claims.push({
      kind: 'caBundle',
      resourceId: 'checked-bundle',
      integrationId: 'integration-1',
    });

    expect(findViolations(state, sim, book)).toEqual([
      'integration integration-1 is in_progress, not ended',
      'integration integration-1 (in_progress) still has a lease held by runner-1',
      'audit of integration-1 (in_progress) ends with journal.intent',
      'claim on caBundle checked-bundle left by in_progress integration-1',
    ]);
  });

  it('reports a succeeded integration of which TSM lacks a part or holds another body', () => {
    putAllInTsm();
    sim.reset();
    sim.seed('certificates', 'checked-bundle', { name: 'not what was written' });

    expect(findViolations(snapshot([row('succeeded')]), sim, book)).toEqual([
      expect.stringMatching(
        /^certificates\/checked-bundle holds .* after integration-1 succeeded$/,
      ),
      'external-accounts/checked-account is absent after integration-1 succeeded',
      'certificate-authorities/checked-ca is absent after integration-1 succeeded',
    ]);
  });

  it('reports a rolled-back integration that left a part in TSM or lost a prior version', () => {
    book.seed(sim, 'external-accounts', 'checked-account', handMadeAccount('checked-account'));
    putAllInTsm();
    sim.seed('certificates', 'checked-bundle', { name: 'leftover' });

    expect(findViolations(snapshot([row('rolled_back')]), sim, book)).toEqual([
      expect.stringMatching(/^certificates\/checked-bundle holds/),
      expect.stringMatching(/^external-accounts\/checked-account holds/),
      expect.stringMatching(/^certificate-authorities\/checked-ca holds/),
    ]);
  });

  it('reports an audit trail that does not end in exactly one terminal record', () => {
    const twice = ['integration.started', 'integration.rolled_back', 'integration.rolled_back'];
    const unrecovered = ['integration.started', 'integration.rollback_failed', 'tsm.call'];

    expect(findViolations(snapshot([row('rolled_back')], twice), sim, book)).toEqual([
      'audit of integration-1 has integration.rolled_back, integration.rolled_back',
      'audit of integration-1 records integration.rolled_back after integration.rolled_back',
    ]);
    expect(
      findViolations(
        snapshot([row('rolled_back')], [...unrecovered, 'integration.rolled_back']),
        sim,
        book,
      ),
    ).toEqual(['audit of integration-1 records tsm.call after integration.rollback_failed']);
  });

  it('accepts a failed rollback only when asked, and then only with what it lists in TSM', () => {
    sim.seed(
      'certificates',
      'checked-bundle',
      book.of('certificates', 'checked-bundle').desired ?? {},
    );
    const failed = row('rollback_failed', {
      leftInTsm: [
        { kind: 'caBundle', id: 'checked-bundle', tsmPath: '/b', state: 'created-not-deleted' },
      ],
    });
    const [bundle, ...others] = failed.integration.resources;
    if (bundle !== undefined) {
      failed.integration.resources = [{ ...bundle, outcome: 'created' }, ...others];
    }
    const state = snapshot([failed]);
    state.claims.push({
      kind: 'caBundle',
      resourceId: 'checked-bundle',
      integrationId: 'integration-1',
    });

    expect(findViolations(state, sim, book, { allowRollbackFailed: true })).toEqual([]);
    expect(findViolations(state, sim, book)).toEqual([
      'integration integration-1 is rollback_failed, not ended',
    ]);
    sim.reset();
    expect(findViolations(state, sim, book, { allowRollbackFailed: true })).toEqual([
      'certificates/checked-bundle is absent after integration-1 rollback_failed',
    ]);
  });
});
