/**
 * POST /vault-integrations?dryRun=true over real HTTP against the simulator: the plan per
 * resource with the exact bodies a real run sends, nothing changed in TSM, audited as a preview.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import { documentationRequest, tsmWrites } from '../support/requests.js';
import { expectStatus } from '../http/support/http-expectations.js';
import { ALL_THREE, NOTHING, storedIds, type ProblemView } from './support.js';

interface PreviewView {
  dryRun: boolean;
  caLabel: string;
  wouldProceed: boolean;
  resources: {
    kind: string;
    id: string;
    action: string;
    tsmPath: string;
    body?: Record<string, unknown>;
    differingFields?: string[];
  }[];
  warnings: { pointer: string; code: string }[];
}

describe('previewing an integration', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(() => harness.close());

  const preview = (body: unknown, query = 'dryRun=true') =>
    harness.call('POST', `/vault-integrations?${query}`, { body });
  const actions = (plan: PreviewView) =>
    plan.resources.map((resource) => `${resource.kind}:${resource.action}`);
  const otherVault = () =>
    documentationRequest({
      account: { ...documentationRequest().account, vaultUrl: 'https://other.example:8200' },
    });

  it('plans to create all three with the bodies a real run then sends, changing nothing', async () => {
    const plan = expectStatus<PreviewView>(await preview(documentationRequest()), 200);

    expect(plan).toMatchObject({ dryRun: true, caLabel: 'my-ca-label', wouldProceed: true });
    expect(actions(plan)).toEqual([
      'caBundle:create',
      'account:create',
      'certificateAuthority:create',
    ]);
    expect(tsmWrites(harness.sim)).toEqual([]);
    expect(storedIds(harness)).toEqual(NOTHING);
    const listed = await harness.call('GET', '/vault-integrations');
    expect((listed.body as { integrations: unknown[] }).integrations).toEqual([]);

    expectStatus(
      await harness.call('POST', '/vault-integrations', { body: documentationRequest() }),
      201,
    );
    const sent = tsmWrites(harness.sim).map((write) => ({ path: write.path, body: write.body }));
    expect(sent).toEqual(
      plan.resources.map((resource) => ({ path: resource.tsmPath, body: resource.body })),
    );
  });

  it('plans unchanged for what TSM already holds as the request would write it', async () => {
    await harness.call('POST', '/vault-integrations', { body: documentationRequest() });
    harness.sim.clearRequests();

    const plan = expectStatus<PreviewView>(await preview(documentationRequest()), 200);

    expect(actions(plan)).toEqual([
      'caBundle:unchanged',
      'account:unchanged',
      'certificateAuthority:unchanged',
    ]);
    expect(plan.wouldProceed).toBe(true);
    expect(harness.sim.requests().every((request) => request.method !== 'PUT')).toBe(true);
  });

  it('plans a conflict under reject and a replace under replace, naming the fields', async () => {
    await harness.call('POST', '/vault-integrations', { body: otherVault() });
    harness.sim.clearRequests();

    const rejecting = expectStatus<PreviewView>(await preview(documentationRequest()), 200);
    const replacing = expectStatus<PreviewView>(
      await preview(documentationRequest({ onExisting: 'replace' })),
      200,
    );

    expect(rejecting.wouldProceed).toBe(false);
    expect(rejecting.resources[1]).toMatchObject({
      kind: 'account',
      action: 'conflict',
      differingFields: ['/provider_url'],
    });
    expect(replacing.wouldProceed).toBe(true);
    expect(replacing.resources[1]).toMatchObject({
      action: 'replace',
      body: expect.objectContaining({
        provider_url: documentationRequest().account.vaultUrl,
      }) as unknown,
    });
    expect(tsmWrites(harness.sim)).toEqual([]);
    expect(harness.sim.resource('external-accounts', 'my-vault-account')).toMatchObject({
      provider_url: 'https://other.example:8200',
    });
    expect(storedIds(harness)).toEqual(ALL_THREE);
  });

  it('is audited as a preview, under the caller and the request id', async () => {
    const answer = await harness.call('POST', '/vault-integrations?dryRun=true', {
      body: documentationRequest(),
      headers: { 'x-request-id': 'CHG-preview-1' },
    });
    expectStatus(answer, 200);

    const page = await harness.store.queryAudit({ action: 'integration.previewed', limit: 10 });

    expect(page.records).toEqual([
      expect.objectContaining({
        actor: 'portal',
        requestId: 'CHG-preview-1',
        details: expect.objectContaining({ caLabel: 'my-ca-label', wouldProceed: true }) as unknown,
      }),
    ]);
  });

  it('answers an invalid request with 400 VALIDATION_FAILED, calling TSM not at all', async () => {
    const body = documentationRequest();
    body.certificateAuthority.vaultPath = 'pki_int/issue/example-dot-com';

    const refused = expectStatus<ProblemView>(await preview(body), 400);

    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(refused.errors?.map((error) => error.pointer)).toContain(
      '/certificateAuthority/vaultPath',
    );
    expect(harness.sim.requests().filter((request) => request.path.startsWith('/tsm/'))).toEqual(
      [],
    );
  });

  it('answers 502 TSM_UNAVAILABLE when TSM cannot be read, and writes nothing', async () => {
    harness.sim.injectFault({ method: 'GET', path: '/tsm/*', status: 503, count: Infinity });

    const failed = expectStatus<ProblemView>(await preview(documentationRequest()), 502);

    expect(failed.code).toBe('TSM_UNAVAILABLE');
    expect(failed.detail).toMatch(/Nothing was changed/);
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('refuses a dryRun that is neither true nor false, naming the parameter', async () => {
    const refused = expectStatus<ProblemView>(
      await preview(documentationRequest(), 'dryRun=maybe'),
      400,
    );

    expect(refused.errors).toEqual([
      expect.objectContaining({ pointer: '/dryRun', code: 'INVALID_VALUE' }),
    ]);
    expect(storedIds(harness)).toEqual(NOTHING);
  });

  const tsmCalls = () => harness.sim.requests().filter((call) => call.path.startsWith('/tsm/'));

  it.each(['dryRun=', 'dryRun', 'dryRun=1', 'dryRun=TRUE', 'dryRun=true&dryRun=false'])(
    'refuses ?%s: dryRun is exactly true or false, and nothing reaches TSM',
    async (query) => {
      const refused = expectStatus<ProblemView>(await preview(documentationRequest(), query), 400);

      expect(refused.code).toBe('VALIDATION_FAILED');
      expect(refused.errors).toEqual([
        {
          pointer: '/dryRun',
          in: 'querystring',
          code: 'INVALID_VALUE',
          message: expect.stringContaining('dryRun must be exactly true or false') as unknown,
        },
      ]);
      expect(tsmCalls()).toEqual([]);
      expect(storedIds(harness)).toEqual(NOTHING);
    },
  );

  it.each(['dryrun', 'dry_run', 'DryRun', 'preview'])(
    'refuses the unknown parameter ?%s=true, naming it, instead of creating for real',
    async (name) => {
      const refused = expectStatus<ProblemView>(
        await preview(documentationRequest(), `${name}=true`),
        400,
      );

      expect(refused.code).toBe('VALIDATION_FAILED');
      expect(refused.errors).toEqual([
        {
          pointer: `/${name}`,
          in: 'querystring',
          code: 'UNKNOWN_FIELD',
          message: `querystring /${name} is not a parameter of this route.`,
        },
      ]);
      expect(tsmCalls()).toEqual([]);
      expect(storedIds(harness)).toEqual(NOTHING);
      const listed = await harness.call('GET', '/vault-integrations');
      expect((listed.body as { integrations: unknown[] }).integrations).toEqual([]);
    },
  );

  it('words an unknown parameter as GET /vault-integrations does', async () => {
    const listed = expectStatus<ProblemView>(
      await harness.call('GET', '/vault-integrations?preview=true'),
      400,
    );
    const created = expectStatus<ProblemView>(
      await preview(documentationRequest(), 'preview=true'),
      400,
    );

    expect(created.errors).toEqual(listed.errors);
  });

  it('reports an unknown parameter and a bad dryRun together', async () => {
    const refused = expectStatus<ProblemView>(
      await preview(documentationRequest(), 'dryRun=yes&dryrun=true'),
      400,
    );

    expect(refused.errors?.map((error) => error.pointer).sort()).toEqual(['/dryRun', '/dryrun']);
    expect(tsmCalls()).toEqual([]);
  });

  it('creates the integration for real with dryRun=false', async () => {
    const created = await preview(documentationRequest(), 'dryRun=false');

    expectStatus(created, 201);
    expect(storedIds(harness)).toEqual(ALL_THREE);
  });
});
