/**
 * What a rollback leaves behind for people: the stored versions and audit trail that describe
 * it, the log lines an operator sees, and a failing store, which is the one thing that throws.
 */
import { describe, expect, it } from 'vitest';
import { failures } from './fake-tsm-client.js';
import { INTEGRATION_ID, REQUEST_ID, harness, replacing } from './fixtures.js';

describe('the records of a rollback', () => {
  it('save and audit rolling_back before the first compensation', async () => {
    const { tsm, store, run, audit } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });

    await run();

    const statuses = store.history(INTEGRATION_ID).map((version) => version.status);
    expect(statuses.filter((status, index) => status !== statuses[index - 1])).toEqual([
      'in_progress',
      'rolling_back',
      'rolled_back',
    ]);
    const rollingBack = store.history(INTEGRATION_ID).find((v) => v.status === 'rolling_back');
    expect(rollingBack?.steps.some((step) => step.name === 'compensate')).toBe(false);
    expect(
      audit()
        .map((record) => record.action)
        .slice(-10),
    ).toEqual([
      'tsm.call',
      'journal.outcome',
      'integration.rolling_back',
      ...['journal.undo_intent', 'tsm.call', 'compensation.succeeded'],
      ...['journal.undo_intent', 'tsm.call', 'compensation.succeeded'],
      'integration.rolled_back',
    ]);
  });

  it('end with exactly one terminal record carrying the codes and what stays', async () => {
    const { tsm, run, audit } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });
    tsm.script('DELETE', 'account', { failure: failures.unavailable() });

    await run();

    const terminal = audit().filter((record) =>
      /^integration\.(succeeded|rolled_back|rollback_failed)$/.test(record.action),
    );
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({
      action: 'integration.rollback_failed',
      details: {
        code: 'ROLLBACK_FAILED',
        causeCode: 'TSM_REJECTED',
        leftInTsm: [
          {
            kind: 'account',
            id: 'my-vault-account',
            tsmPath: '/tsm/v1alpha1/external-accounts/my-vault-account',
            state: 'created-not-deleted',
          },
        ],
      },
    });
    expect(terminal[0]?.details.durationMs).toBeGreaterThan(0);
    expect(audit().find((record) => record.action === 'compensation.failed')?.details).toEqual({
      seq: 2,
      kind: 'account',
      id: 'my-vault-account',
      tsmPath: '/tsm/v1alpha1/external-accounts/my-vault-account',
      method: 'DELETE',
      code: 'TSM_UNAVAILABLE',
      tsmStatus: 503,
    });
  });

  it('audit every compensation attempt in the compensate phase', async () => {
    const { tsm, run, audit } = harness();
    tsm.script('PUT', 'account', { failure: failures.rejected() });
    tsm.script('DELETE', 'caBundle', { attempts: [{ status: 502 }, { status: 200 }] });

    await run();

    const undo = audit().filter(
      (record) => record.action === 'tsm.call' && record.details.phase === 'compensate',
    );
    expect(undo.map((record) => [record.details.method, record.details.attempt])).toEqual([
      ['DELETE', 1],
      ['DELETE', 2],
    ]);
  });

  it('hold no body, PEM or TSM excerpt in the audit trail and the logs', async () => {
    const { tsm, run, audit, logs } = harness();
    tsm.seed('account', 'my-vault-account', { provider_url: 'https://theirs:8200' });
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });

    await run(replacing());

    for (const text of [JSON.stringify(audit()), JSON.stringify(logs)]) {
      expect(text).not.toContain('BEGIN CERTIFICATE');
      expect(text).not.toContain('hashicorp.cloud');
      expect(text).not.toContain('theirs:8200');
      expect(text).not.toContain('invalid vault path');
    }
  });
});

describe('the log of an integration', () => {
  it('tells an operator at error level when a rollback leaves resources behind', async () => {
    const { tsm, run, logs } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });
    tsm.script('DELETE', 'account', { failure: failures.unavailable() });

    await run();

    const notable = logs.filter((line) => line.level >= 30).map((line) => [line.level, line.msg]);
    expect(notable).toEqual([
      [30, 'integration started'],
      [40, 'integration rolling back'],
      [40, 'compensation failed'],
      [50, 'integration rollback failed'],
    ]);
    for (const line of logs) {
      expect(line).toMatchObject({ integrationId: INTEGRATION_ID, requestId: REQUEST_ID });
    }
  });

  it('says at info level that an integration succeeded', async () => {
    const { run, logs } = harness();

    await run();

    expect(logs.filter((line) => line.level >= 30).map((line) => line.msg)).toEqual([
      'integration started',
      'integration succeeded',
    ]);
    expect(logs.filter((line) => line.msg === 'integration step')).toHaveLength(6);
  });
});

describe('a store that fails', () => {
  it('is rethrown, but only after what was written has been undone', async () => {
    const { tsm, store, run } = harness();
    const broken = new Error('disk I/O error');
    // A write's outcome is committed with the next intent (reads and plan with the first), so
    // the saves are: bundle intent, account intent, CA intent (fails, after PUT account).
    store.breakNext('saveIntegration', { skip: 2, error: broken });

    await expect(run()).rejects.toBe(broken);

    // The CA's intent may or may not be stored: it is read back (absent), never written.
    expect(tsm.callNames().slice(3)).toEqual([
      'PUT caBundle',
      'PUT account',
      'GET certificateAuthority',
      'DELETE account',
      'DELETE caBundle',
    ]);
    const stored = await store.getIntegration(INTEGRATION_ID);
    expect(stored).toMatchObject({ status: 'rolled_back', failure: { code: 'INTERNAL_ERROR' } });
  });

  it('stops before a write whose intent it cannot journal, and undoes the earlier ones', async () => {
    const { tsm, store, run } = harness();
    const broken = new Error('disk I/O error');
    // Saves: bundle intent (with reads and plan), account intent (fails): no PUT account.
    store.breakNext('saveIntegration', { skip: 1, error: broken });

    await expect(run()).rejects.toBe(broken);

    // The account's intent may or may not be stored: it is read back (absent), never written.
    expect(tsm.callNames().slice(3)).toEqual(['PUT caBundle', 'GET account', 'DELETE caBundle']);
  });

  it('is thrown at once when the integration cannot even be created', async () => {
    const { tsm, store, run } = harness();
    store.breakNext('startIntegration');

    await expect(run()).rejects.toThrow('the database is unavailable');
    expect(tsm.calls).toEqual([]);
  });
});
