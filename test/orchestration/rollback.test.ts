/**
 * A write that fails for good: what the integration undoes, in which order, what it reports
 * when an undo fails too, and that it undoes even after an exception.
 */
import { describe, expect, it } from 'vitest';
import { planResources } from '../../src/domain/tsm-bodies.js';
import { failures } from './fake-tsm-client.js';
import { DEADLINE_MS, START, exampleIntegration, harness, replacing } from './fixtures.js';

const [bundleBody = {}, accountBody = {}] = planResources(exampleIntegration()).map(
  (resource) => resource.body,
);

const afterReads = (names: string[]) => names.slice(3);
const outcomes = (integration: { resources: { outcome: string }[] }) =>
  integration.resources.map((resource) => resource.outcome);

describe('a write that fails for good', () => {
  it('at step 2 deletes the bundle and ends rolled back with the cause', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'account', { failure: failures.rejected(422) });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure).toMatchObject({
      code: 'TSM_REJECTED',
      kind: 'account',
      id: 'my-vault-account',
      tsmStatus: 422,
      tsmExcerpt: '{"code":400,"message":"invalid vault path"}',
    });
    expect(afterReads(tsm.callNames())).toEqual(['PUT caBundle', 'PUT account', 'DELETE caBundle']);
    expect(outcomes(integration)).toEqual(['deleted', 'failed', 'pending']);
    expect(tsm.held('caBundle', 'my-CA-bundle')).toBeUndefined();
  });

  it('at step 3 deletes the account, then the bundle', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.unavailable(503) });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure?.code).toBe('TSM_UNAVAILABLE');
    expect(afterReads(tsm.callNames())).toEqual([
      'PUT caBundle',
      'PUT account',
      'PUT certificateAuthority',
      'DELETE account',
      'DELETE caBundle',
    ]);
    expect(outcomes(integration)).toEqual(['deleted', 'deleted', 'failed']);
    expect(tsm.held('account', 'my-vault-account')).toBeUndefined();
  });

  it('that TSM may have applied is read back, found, and deleted first', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', {
      failure: failures.timeout(),
      uncertain: true,
      applied: true,
    });

    const integration = await run();

    expect(integration.failure?.code).toBe('TSM_TIMEOUT');
    expect(afterReads(tsm.callNames()).slice(3)).toEqual([
      'GET certificateAuthority',
      'DELETE certificateAuthority',
      'DELETE account',
      'DELETE caBundle',
    ]);
    expect(tsm.held('certificateAuthority', 'my-vault-ca-configuration')).toBeUndefined();
    expect(outcomes(integration)).toEqual(['deleted', 'deleted', 'deleted']);
  });

  it('that TSM did not apply after all is read back, not found, and left alone', async () => {
    const { tsm, run, audit } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.timeout(), uncertain: true });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(afterReads(tsm.callNames()).slice(3)).toEqual([
      'GET certificateAuthority',
      'DELETE account',
      'DELETE caBundle',
    ]);
    expect(outcomes(integration)).toEqual(['deleted', 'deleted', 'failed']);
    expect(audit().map((record) => record.action)).toContain('compensation.not_needed');
  });

  it('deletes a write of unknown outcome anyway when TSM cannot be read back', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', {
      failure: failures.timeout(),
      uncertain: true,
      applied: true,
    });
    // The first GET is the read phase's; the second, reading the write back, fails.
    tsm.script('GET', 'certificateAuthority', {}, { failure: failures.unavailable() });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(afterReads(tsm.callNames()).slice(3, 5)).toEqual([
      'GET certificateAuthority',
      'DELETE certificateAuthority',
    ]);
    expect(tsm.held('certificateAuthority', 'my-vault-ca-configuration')).toBeUndefined();
  });

  it('puts a replaced resource back exactly as TSM held it', async () => {
    const { tsm, run } = harness();
    const before = { ...accountBody, provider_url: 'https://old:8200', id: 'tsm-own', v: 7 };
    tsm.seed('account', 'my-vault-account', before);
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });

    const integration = await run(replacing());

    expect(integration.status).toBe('rolled_back');
    const restore = tsm.calls.at(-2);
    expect(restore).toMatchObject({ method: 'PUT', kind: 'account', body: before });
    expect(tsm.held('account', 'my-vault-account')).toEqual(before);
    expect(outcomes(integration)).toEqual(['deleted', 'restored', 'failed']);
  });

  it('gives the compensations a budget of their own after the forward deadline', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', {
      failure: failures.timeout(),
      elapseMs: DEADLINE_MS + 1_000,
    });

    const integration = await run();

    const undo = integration.steps.filter((step) => step.name === 'compensate');
    const undoDeadline = Date.parse(undo[0]?.startedAt ?? '') + DEADLINE_MS;
    expect(undoDeadline).toBeGreaterThan(START + 2 * DEADLINE_MS);
    const deletes = tsm.calls.filter((call) => call.method === 'DELETE');
    expect(deletes.map((call) => call.deadline)).toEqual([undoDeadline, undoDeadline]);
    expect(integration.status).toBe('rolled_back');
  });

  it('is compensated even when the client throws in the middle of the run', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', { throws: new TypeError('undefined is not a body') });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure).toMatchObject({
      code: 'INTERNAL_ERROR',
      kind: 'certificateAuthority',
    });
    // Nobody knows how far the call got: TSM is read back before anything is deleted.
    expect(afterReads(tsm.callNames()).slice(3)).toEqual([
      'GET certificateAuthority',
      'DELETE account',
      'DELETE caBundle',
    ]);
  });
});

describe('a compensation that fails too', () => {
  it('ends rollback_failed listing what stays, after trying the others', async () => {
    const { tsm, run } = harness();
    tsm.script('PUT', 'certificateAuthority', { failure: failures.rejected() });
    tsm.script('DELETE', 'account', { failure: failures.unavailable(503) });

    const integration = await run();

    expect(integration.status).toBe('rollback_failed');
    expect(integration.failure).toMatchObject({
      code: 'ROLLBACK_FAILED',
      causeCode: 'TSM_REJECTED',
      kind: 'certificateAuthority',
    });
    expect(integration.failure?.detail).toContain('external account "my-vault-account"');
    expect(integration.leftInTsm).toEqual([
      {
        kind: 'account',
        id: 'my-vault-account',
        tsmPath: '/tsm/v1alpha1/external-accounts/my-vault-account',
        state: 'created-not-deleted',
      },
    ]);
    expect(afterReads(tsm.callNames()).slice(3)).toEqual(['DELETE account', 'DELETE caBundle']);
    expect(outcomes(integration)).toEqual(['deleted', 'created', 'failed']);
    expect(tsm.held('account', 'my-vault-account')).toEqual(accountBody);
  });

  it('lists a replaced resource it could not restore as replaced-not-restored', async () => {
    const { tsm, run } = harness();
    tsm.seed('caBundle', 'my-CA-bundle', { ...bundleBody, description: 'theirs' });
    tsm.script('PUT', 'account', { failure: failures.rejected() });
    tsm.script('PUT', 'caBundle', {}, { failure: failures.timeout() });

    const integration = await run(replacing());

    expect(integration.status).toBe('rollback_failed');
    expect(integration.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'replaced-not-restored' }),
    ]);
    expect(tsm.held('caBundle', 'my-CA-bundle')).toEqual(bundleBody);
  });
});
