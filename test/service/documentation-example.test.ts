import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.js';
import {
  ACCOUNT_PATH,
  BUNDLE_PATH,
  CA_PATH,
  documentationRequest,
  tsmCalls,
  tsmWrites,
} from '../support/requests.js';

async function fixture(name: string): Promise<Record<string, unknown>> {
  const url = new URL(`../fixtures/tsm-documentation/${name}`, import.meta.url);
  return JSON.parse(await readFile(url, 'utf8')) as Record<string, unknown>;
}

/** The documented bundle body with its chain normalized: no trailing spaces after BEGIN. */
async function normalizedBundleFixture(): Promise<Record<string, unknown>> {
  const bundle = await fixture('1-certificate.json');
  const chain = (bundle.certificateAuthorityBundle as { cert_chain: string }).cert_chain;
  return { ...bundle, certificateAuthorityBundle: { cert_chain: chain.replace(/ +\n/g, '\n') } };
}

describe("the documentation's example through POST /vault-integrations", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('makes TSM receive exactly the three documented bodies, in order, traced by one id', async () => {
    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
      headers: { 'x-request-id': 'ticket-4711' },
    });

    expect(answer.status).toBe(201);
    const writes = tsmWrites(harness.sim);
    expect(writes.map((write) => `${write.method} ${write.path}`)).toEqual([
      `PUT ${BUNDLE_PATH}`,
      `PUT ${ACCOUNT_PATH}`,
      `PUT ${CA_PATH}`,
    ]);
    expect(writes[0]?.body).toEqual(await normalizedBundleFixture());
    expect(writes[1]?.body).toEqual(await fixture('2-external-account.json'));
    expect(writes[2]?.body).toEqual(await fixture('3-certificate-authority.json'));
    const tsmRequests = harness.sim
      .requests()
      .filter((request) => request.path.startsWith('/tsm/'));
    expect(tsmRequests.every((request) => request.headers['x-request-id'] === 'ticket-4711')).toBe(
      true,
    );
  });

  it('answers 201 with the integration, its CA label, outcomes, steps and warnings', async () => {
    harness.sim.reset();
    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect(answer.status).toBe(201);
    const integration = answer.body as Record<string, unknown> & { id: string };
    expect(answer.headers.location).toBe(`/vault-integrations/${integration.id}`);
    expect(integration).toMatchObject({
      status: 'succeeded',
      caLabel: 'my-ca-label',
      actor: 'portal',
      resources: [
        { kind: 'caBundle', id: 'my-CA-bundle', tsmPath: BUNDLE_PATH, outcome: 'created' },
        { kind: 'account', id: 'my-vault-account', tsmPath: ACCOUNT_PATH, outcome: 'created' },
        {
          kind: 'certificateAuthority',
          id: 'my-vault-ca-configuration',
          tsmPath: CA_PATH,
          outcome: 'created',
        },
      ],
    });
    const steps = integration.steps as { name: string; method: string; attempts: unknown[] }[];
    expect(steps.map((step) => `${step.name} ${step.method}`)).toEqual([
      'read GET',
      'read GET',
      'read GET',
      'write PUT',
      'write PUT',
      'write PUT',
    ]);
    expect(steps.every((step) => step.attempts.length >= 1)).toBe(true);
    // The guide's PEM carries trailing spaces after its BEGIN line; they are removed and said so.
    const warnings = integration.warnings as { pointer: string }[];
    expect(warnings.some((warning) => warning.pointer === '/caBundle/pem')).toBe(true);

    const stored = await harness.call('GET', `/vault-integrations/${integration.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(integration);
  });

  it('leaves equal resources alone when the same integration is sent again', async () => {
    harness.sim.reset();
    await harness.call('POST', '/vault-integrations', { body: documentationRequest() });
    harness.sim.clearRequests();

    const again = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest(),
    });

    expect(again.status).toBe(201);
    const outcomes = (again.body as { resources: { outcome: string }[] }).resources.map(
      (resource) => resource.outcome,
    );
    expect(outcomes).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(tsmCalls(harness.sim).filter((call) => !call.startsWith('GET'))).toEqual([]);
  });

  it('references an existing bundle without changing it, and wires its id', async () => {
    harness.sim.reset();
    await harness.call('POST', '/vault-integrations', { body: documentationRequest() });
    const request = documentationRequest({ caBundle: { id: 'my-CA-bundle' } });
    request.account.id = 'second-account';
    request.certificateAuthority.id = 'second-ca';
    harness.sim.clearRequests();

    const answer = await harness.call('POST', '/vault-integrations', { body: request });

    expect(answer.status).toBe(201);
    expect((answer.body as { resources: { outcome: string }[] }).resources[0]?.outcome).toBe(
      'referenced',
    );
    const writes = tsmWrites(harness.sim);
    expect(writes.map((write) => write.path)).toEqual([
      '/tsm/v1alpha1/external-accounts/second-account',
      '/tsm/v1alpha2/projects/default/certificate-authorities/second-ca',
    ]);
    expect(writes[0]?.body).toMatchObject({ certificate_id: 'my-CA-bundle' });
    expect(writes[1]?.body).toMatchObject({ accountId: 'second-account' });
  });

  it('answers 422 CA_BUNDLE_NOT_FOUND when a referenced bundle does not exist, changing nothing', async () => {
    harness.sim.reset();
    const answer = await harness.call('POST', '/vault-integrations', {
      body: documentationRequest({ caBundle: { id: 'no-such-bundle' } }),
    });

    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'CA_BUNDLE_NOT_FOUND',
      integration: { status: 'rolled_back' },
    });
    expect(tsmWrites(harness.sim)).toEqual([]);
  });

  it('sends no bundle reference for a publicly trusted root', async () => {
    harness.sim.reset();
    const request = documentationRequest();
    delete request.caBundle;

    const answer = await harness.call('POST', '/vault-integrations', { body: request });

    expect(answer.status).toBe(201);
    const account = tsmWrites(harness.sim)[0]?.body as Record<string, unknown>;
    expect(account).not.toHaveProperty('certificate_id');
    expect((answer.body as { resources: unknown[] }).resources).toHaveLength(2);
  });
});
