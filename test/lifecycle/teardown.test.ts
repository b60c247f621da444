/**
 * DELETE /vault-integrations/{id} over real HTTP against the simulator: what the integration
 * wrote is deleted newest first and nothing else; TSM refusing or failing is answered as the
 * caller needs it; a deletion cut short is finished by recovery; the ids are free afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest } from '../support/requests.js';
import { expectStatus } from '../http/support/http-expectations.js';
import {
  ALL_THREE,
  NOTHING,
  auditActions,
  storedIds,
  writes,
  type IntegrationView,
  type ProblemView,
} from './support.js';

describe('deleting an integration', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  const create = async (body: unknown = documentationRequest()) => {
    const answer = await harness.call('POST', '/vault-integrations', { body });
    return expectStatus<IntegrationView>(answer, 201);
  };
  const remove = (id: string) => harness.call('DELETE', `/vault-integrations/${id}`);
  const outcomes = (integration: IntegrationView) =>
    integration.resources.map((resource) => `${resource.kind}:${resource.outcome}`);

  it('deletes the CA configuration, the account and the bundle, in that order', async () => {
    const created = await create();
    harness.sim.clearRequests();

    const deleted = expectStatus<IntegrationView>(await remove(created.id), 200);

    expect(deleted.status).toBe('deleted');
    expect(outcomes(deleted)).toEqual([
      'caBundle:deleted',
      'account:deleted',
      'certificateAuthority:deleted',
    ]);
    expect(deleted.deletion?.actor).toBe('portal');
    expect(deleted.deletion?.finishedAt).toEqual(expect.any(String));
    expect(deleted.steps.filter((step) => step.name === 'delete').map((step) => step.kind)).toEqual(
      ['certificateAuthority', 'account', 'caBundle'],
    );
    expect(writes(harness)).toEqual([
      'DELETE my-vault-ca-configuration 200',
      'DELETE my-vault-account 200',
      'DELETE my-CA-bundle 200',
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
    expect(await auditActions(harness, created.id)).toEqual(
      expect.arrayContaining([
        'integration.deletion_started',
        'resource.deleted',
        'integration.deleted',
      ]),
    );
    const read = await harness.call('GET', `/vault-integrations/${created.id}`);
    expect(expectStatus<IntegrationView>(read, 200).status).toBe('deleted');
  });

  it('answers a second DELETE with the deleted integration, calling TSM no more', async () => {
    const created = await create();
    const first = expectStatus<IntegrationView>(await remove(created.id), 200);
    harness.sim.clearRequests();

    const second = expectStatus<IntegrationView>(await remove(created.id), 200);

    expect(second).toEqual(first);
    expect(writes(harness)).toEqual([]);
  });

  it('frees the ids: the same request integrates again after the deletion', async () => {
    const created = await create();
    await remove(created.id);

    const again = await create();

    expect(again.id).not.toBe(created.id);
    expect(outcomes(again)).toEqual([
      'caBundle:created',
      'account:created',
      'certificateAuthority:created',
    ]);
    expect(storedIds(harness)).toEqual(ALL_THREE);
  });

  it('leaves alone what the integration found already there or only referenced', async () => {
    const first = await create();
    // The same request again finds all three as it would write them: unchanged.
    const second = await create();
    expect(outcomes(second)).toEqual([
      'caBundle:unchanged',
      'account:unchanged',
      'certificateAuthority:unchanged',
    ]);
    harness.sim.clearRequests();

    const deleted = expectStatus<IntegrationView>(await remove(second.id), 200);

    expect(deleted.status).toBe('deleted');
    expect(outcomes(deleted)).toEqual(outcomes(second));
    expect(writes(harness)).toEqual([]);
    expect(storedIds(harness)).toEqual(ALL_THREE);
    // The one that created them still takes them away.
    expectStatus(await remove(first.id), 200);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('keeps a referenced CA bundle', async () => {
    const withBundle = await create();
    const request = documentationRequest({
      caBundle: { id: 'my-CA-bundle' },
      account: { ...documentationRequest().account, id: 'second-account' },
      certificateAuthority: {
        ...documentationRequest().certificateAuthority,
        id: 'second-ca',
        label: 'second-label',
      },
    });
    const referencing = await create(request);
    expect(outcomes(referencing)[0]).toBe('caBundle:referenced');
    harness.sim.clearRequests();

    expectStatus(await remove(referencing.id), 200);

    expect(writes(harness)).toEqual(['DELETE second-ca 200', 'DELETE second-account 200']);
    expect(storedIds(harness)).toEqual(ALL_THREE);
    expectStatus(await remove(withBundle.id), 200);
  });

  it('deletes a resource it replaced, since TSM holds the integration content there', async () => {
    await create();
    const account = harness.sim.resource('external-accounts', 'my-vault-account') ?? {};
    harness.sim.reset();
    harness.sim.seed('external-accounts', 'my-vault-account', {
      ...account,
      provider_url: 'https://other.example:8200',
    });
    const replacing = await create(documentationRequest({ onExisting: 'replace' }));
    expect(outcomes(replacing)).toEqual([
      'caBundle:created',
      'account:replaced',
      'certificateAuthority:created',
    ]);
    harness.sim.clearRequests();

    expectStatus(await remove(replacing.id), 200);

    expect(writes(harness)).toEqual([
      'DELETE my-vault-ca-configuration 200',
      'DELETE my-vault-account 200',
      'DELETE my-CA-bundle 200',
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('stops, naming it, at a replaced resource that something it left alone still uses', async () => {
    const other = { ...documentationRequest().account, vaultUrl: 'https://other.example:8200' };
    await create(documentationRequest({ account: other }));
    // The CA configuration is found unchanged and stays; it still names the replaced account.
    const replacing = await create(documentationRequest({ onExisting: 'replace' }));
    harness.sim.clearRequests();

    const failed = expectStatus<ProblemView>(await remove(replacing.id), 502);

    expect(writes(harness)).toEqual(['DELETE my-vault-account 409']);
    expect(failed.integration?.failure).toMatchObject({
      causeCode: 'TSM_REJECTED',
      tsmStatus: 409,
    });
    expect(failed.integration?.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'account', state: 'not-deleted' }),
    ]);
    expect(storedIds(harness)).toEqual(ALL_THREE);
  });

  it('refuses with 409 CA_LABEL_IN_USE while TSM says the CA configuration is in use', async () => {
    const created = await create();
    harness.sim.markInUse('certificate-authorities', 'my-vault-ca-configuration');

    const refused = expectStatus<ProblemView>(await remove(created.id), 409);

    expect(refused.code).toBe('CA_LABEL_IN_USE');
    expect(refused.detail).toMatch(/my-vault-ca-configuration.*Nothing was deleted/);
    expect(refused.integration?.status).toBe('succeeded');
    expect(storedIds(harness)).toEqual(ALL_THREE);
    const read = await harness.call('GET', `/vault-integrations/${created.id}`);
    expect(expectStatus<IntegrationView>(read, 200)).toMatchObject({ status: 'succeeded' });
    expect(await auditActions(harness, created.id)).toContain('integration.delete_refused');

    harness.sim.markInUse('certificate-authorities', 'my-vault-ca-configuration', false);
    expect(expectStatus<IntegrationView>(await remove(created.id), 200).status).toBe('deleted');
  });

  it('reports what stays in TSM when a DELETE fails for good, and goes on when asked again', async () => {
    const created = await create();
    harness.sim.injectFault({
      method: 'DELETE',
      path: '/tsm/v1alpha1/external-accounts/my-vault-account',
      status: 400,
      count: 1,
    });

    const failed = expectStatus<ProblemView>(await remove(created.id), 502);

    expect(failed.code).toBe('DELETE_FAILED');
    expect(failed.integration?.status).toBe('delete_failed');
    expect(failed.integration?.failure).toMatchObject({
      code: 'DELETE_FAILED',
      causeCode: 'TSM_REJECTED',
      kind: 'account',
      tsmStatus: 400,
    });
    expect(failed.integration?.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'not-deleted' }),
    ]);
    expect(storedIds(harness)).toEqual({ ...ALL_THREE, cas: [] });
    harness.sim.clearRequests();

    const resumed = expectStatus<IntegrationView>(await remove(created.id), 200);

    expect(resumed.status).toBe('deleted');
    expect(resumed.failure).toBeUndefined();
    expect(resumed.leftInTsm).toBeUndefined();
    expect(writes(harness)).toEqual(['DELETE my-vault-account 200', 'DELETE my-CA-bundle 200']);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('retries a DELETE that TSM answers 503, as a write is retried', async () => {
    const created = await create();
    harness.sim.injectFault({ method: 'DELETE', path: '/tsm/*', status: 503, count: 2 });
    harness.sim.clearRequests();

    expectStatus(await remove(created.id), 200);

    expect(writes(harness, 'DELETE')).toEqual([
      'DELETE my-vault-ca-configuration 503',
      'DELETE my-vault-ca-configuration 503',
      'DELETE my-vault-ca-configuration 200',
      'DELETE my-vault-account 200',
      'DELETE my-CA-bundle 200',
    ]);
  });

  const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';

  it('reads back an account whose DELETE TSM answered 500 for good, and names it not-deleted', async () => {
    const created = await create();
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, status: 500, count: 20 });
    harness.sim.clearRequests();

    const failed = expectStatus<ProblemView>(await remove(created.id), 502);

    expect(failed.code).toBe('DELETE_FAILED');
    expect(failed.integration?.failure).toMatchObject({
      causeCode: 'TSM_UNAVAILABLE',
      kind: 'account',
      tsmStatus: 500,
    });
    expect(failed.integration?.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'not-deleted' }),
    ]);
    const readBack = failed.integration?.steps.at(-1);
    expect(readBack).toMatchObject({ name: 'delete', kind: 'account', method: 'GET' });
    expect(readBack?.result).toBe('succeeded');
    expect(storedIds(harness)).toEqual({ ...ALL_THREE, cas: [] });
  });

  it('marks unverified an account whose DELETE got no answer when TSM cannot be read either', async () => {
    const created = await create();
    // No method: the DELETE and the GET that reads the account back are both dropped.
    harness.sim.injectFault({ path: ACCOUNT_PATH, drop: true, count: Infinity });

    const failed = expectStatus<ProblemView>(await remove(created.id), 502);

    expect(failed.integration?.failure).toMatchObject({ kind: 'account' });
    expect(failed.integration?.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'unverified' }),
    ]);
  });

  it('names not-deleted an account whose DELETE got no answer when reading it back finds it', async () => {
    const created = await create();
    harness.sim.injectFault({ method: 'DELETE', path: ACCOUNT_PATH, drop: true, count: Infinity });

    const failed = expectStatus<ProblemView>(await remove(created.id), 502);

    expect(failed.integration?.leftInTsm).toEqual([
      expect.objectContaining({ kind: 'caBundle', state: 'not-deleted' }),
      expect.objectContaining({ kind: 'account', state: 'not-deleted' }),
    ]);
  });

  it('goes on when a DELETE answered 500 had landed after all, as reading TSM back shows', async () => {
    const created = await create();
    harness.sim.injectFault({
      method: 'DELETE',
      path: ACCOUNT_PATH,
      status: 500,
      applyFirst: true,
      count: Infinity,
    });

    const deleted = expectStatus<IntegrationView>(await remove(created.id), 200);

    expect(deleted.status).toBe('deleted');
    expect(outcomes(deleted)).toEqual([
      'caBundle:deleted',
      'account:deleted',
      'certificateAuthority:deleted',
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  it('refuses to delete an integration that did not succeed, and one it does not know', async () => {
    const other = { ...documentationRequest().account, vaultUrl: 'https://other.example:8200' };
    await create(documentationRequest({ account: other }));
    const conflict = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });
    const rolledBack = expectStatus<ProblemView>(conflict, 409).integration;

    const refused = expectStatus<ProblemView>(await remove(rolledBack?.id ?? ''), 409);
    const unknown = await remove('8a4c7b1e-2f3d-4e5a-9b6c-7d8e9f0a1b2c');

    expect(refused.code).toBe('INTEGRATION_NOT_DELETABLE');
    expect(refused.detail).toMatch(/rolled_back/);
    expect(expectStatus<ProblemView>(unknown, 404).code).toBe('NOT_FOUND');
  });
});

describe('a deletion cut short', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness({ env: { RECOVERY_INTERVAL_MS: '3600000' } });
  });
  afterEach(() => harness.close());

  it('is finished by the recovery sweep once the lease of its runner has lapsed', async () => {
    const created = expectStatus<IntegrationView>(
      await harness.call('POST', '/vault-integrations', { body: documentationRequest() }),
      201,
    );
    // A replica started the deletion, journaled its first DELETE, and died.
    const state = await harness.store.getIntegrationState(created.id);
    if (state === undefined) throw new Error('the integration was not stored');
    const journal = state.journal.map((entry) =>
      entry.kind === 'certificateAuthority' ? { ...entry, removal: 'intent' as const } : entry,
    );
    const deleting = { ...state.integration, status: 'deleting' as const };
    const started = await harness.store.startDeletion({
      state: { integration: deleting, journal },
      expectedStatus: 'succeeded',
      claims: journal.map(({ kind, id }) => ({ kind, id })),
      lease: { owner: 'crashed-replica', expiresAt: new Date(Date.now() - 1000).toISOString() },
      audit: [],
    });
    expect(started).toEqual({ started: true });
    expect(
      expectStatus<ProblemView>(
        await harness.call('DELETE', `/vault-integrations/${created.id}`),
        409,
      ).code,
    ).toBe('INTEGRATION_IN_PROGRESS');

    expect(await harness.app.integrations.sweepNow()).toBe(1);

    const read = await harness.call('GET', `/vault-integrations/${created.id}`);
    expect(expectStatus<IntegrationView>(read, 200).status).toBe('deleted');
    expect(storedIds(harness)).toEqual(NOTHING);
    expect(await auditActions(harness, created.id)).toEqual(
      expect.arrayContaining(['recovery.started', 'deletion.resumed', 'integration.deleted']),
    );
  });
});
