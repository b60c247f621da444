/**
 * What is settled before anything is written: a read that fails, a referenced bundle that is
 * missing, resources that already exist with other content, and what replacing them means.
 */
import { describe, expect, it } from 'vitest';
import { planResources } from '../../src/domain/tsm-bodies.js';
import type { TsmFailure } from '../../src/tsm/types.js';
import { failures } from './fake-tsm-client.js';
import { OTHER_ROOT_PEM, exampleIntegration, harness, replacing } from './fixtures.js';

const [bundleBody = {}, accountBody = {}, caBody = {}] = planResources(exampleIntegration()).map(
  (resource) => resource.body,
);

const writes = (names: string[]) => names.filter((name) => !name.startsWith('GET'));

describe('a read that fails', () => {
  it.each<[string, TsmFailure, string]>([
    ['TSM refuses the credentials', failures.auth(), 'TSM_AUTH_FAILED'],
    ['TSM stays unavailable', failures.unavailable(502), 'TSM_UNAVAILABLE'],
    ['the deadline passes', failures.timeout(), 'TSM_TIMEOUT'],
    ['TSM refuses the read', failures.rejected(400), 'TSM_REJECTED'],
  ])('ends rolled back, nothing written, when %s', async (_case, failure, code) => {
    const { tsm, run, audit } = harness();
    tsm.script('GET', 'account', { failure });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure).toMatchObject({ code, kind: 'account', id: 'my-vault-account' });
    expect(integration.failure?.detail).toContain('Nothing was changed');
    expect(writes(tsm.callNames())).toEqual([]);
    expect(audit().map((record) => record.action)).not.toContain('integration.rolling_back');
  });

  it('keeps the status and excerpt of TSM’s answer', async () => {
    const { tsm, run } = harness();
    tsm.script('GET', 'certificateAuthority', { failure: failures.unavailable(503) });

    const integration = await run();

    expect(integration.failure).toMatchObject({
      code: 'TSM_UNAVAILABLE',
      tsmStatus: 503,
      tsmExcerpt: 'Service Unavailable',
    });
  });

  it('ends rolled back with INTERNAL_ERROR when the client throws', async () => {
    const { tsm, run } = harness();
    tsm.script('GET', 'caBundle', { throws: new Error('socket exploded') });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure).toMatchObject({ code: 'INTERNAL_ERROR', kind: 'caBundle' });
    expect(integration.failure?.detail).not.toContain('socket exploded');
    expect(writes(tsm.callNames())).toEqual([]);
  });
});

describe('a referenced bundle', () => {
  it('that TSM does not hold ends the integration with CA_BUNDLE_NOT_FOUND', async () => {
    const { tsm, run } = harness();
    const integration = {
      ...exampleIntegration(),
      caBundle: { mode: 'reference', id: 'gone-bundle' } as const,
    };

    const result = await run(integration);

    expect(result.status).toBe('rolled_back');
    expect(result.failure).toMatchObject({
      code: 'CA_BUNDLE_NOT_FOUND',
      kind: 'caBundle',
      id: 'gone-bundle',
    });
    expect(writes(tsm.callNames())).toEqual([]);
  });
});

describe('resources that exist with other content', () => {
  it('are refused with onExisting "reject" before any write, every one named', async () => {
    const { tsm, run, audit } = harness();
    tsm.seed('account', 'my-vault-account', { ...accountBody, provider_url: 'https://old:8200' });
    tsm.seed('certificateAuthority', 'my-vault-ca-configuration', {
      ...caBody,
      vault: { path: 'pki/sign/old' },
    });

    const integration = await run();

    expect(integration.status).toBe('rolled_back');
    expect(integration.failure?.code).toBe('TSM_RESOURCE_EXISTS');
    expect(integration.failure?.conflicts).toEqual([
      {
        kind: 'account',
        id: 'my-vault-account',
        tsmPath: '/tsm/v1alpha1/external-accounts/my-vault-account',
        differingFields: ['/provider_url'],
      },
      {
        kind: 'certificateAuthority',
        id: 'my-vault-ca-configuration',
        tsmPath: '/tsm/v1alpha2/projects/default/certificate-authorities/my-vault-ca-configuration',
        differingFields: ['/vault/path'],
      },
    ]);
    expect(integration.failure?.detail).toMatch(/my-vault-account.*my-vault-ca-configuration/);
    expect(writes(tsm.callNames())).toEqual([]);
    expect(audit().find((record) => record.action === 'integration.planned')?.details).toEqual({
      decisions: [
        { kind: 'caBundle', id: 'my-CA-bundle', decision: 'create' },
        {
          kind: 'account',
          id: 'my-vault-account',
          decision: 'conflict',
          differingFields: ['/provider_url'],
        },
        {
          kind: 'certificateAuthority',
          id: 'my-vault-ca-configuration',
          decision: 'conflict',
          differingFields: ['/vault/path'],
        },
      ],
    });
  });

  it('are replaced with onExisting "replace", warning that the roots of trust change', async () => {
    const { tsm, run } = harness();
    tsm.seed('caBundle', 'my-CA-bundle', {
      ...bundleBody,
      certificateAuthorityBundle: { cert_chain: OTHER_ROOT_PEM },
    });
    tsm.seed('account', 'my-vault-account', { ...accountBody, certificate_id: 'old-bundle' });

    const integration = await run(replacing());

    expect(integration.status).toBe('succeeded');
    expect(integration.resources.map((resource) => resource.outcome)).toEqual([
      'replaced',
      'replaced',
      'created',
    ]);
    expect(tsm.held('caBundle', 'my-CA-bundle')).toEqual(bundleBody);
    expect(tsm.held('account', 'my-vault-account')).toEqual(accountBody);
    expect(integration.warnings).toEqual([
      expect.objectContaining({ pointer: '/caBundle/pem', code: 'ROOTS_OF_TRUST_CHANGED' }),
      expect.objectContaining({ pointer: '/account/id', code: 'ROOTS_OF_TRUST_CHANGED' }),
    ]);
    expect(integration.warnings[0]?.message).toContain('global namespace');
  });

  it('are replaced without that warning when the roots of trust stay the same', async () => {
    const { tsm, run } = harness();
    tsm.seed('caBundle', 'my-CA-bundle', { ...bundleBody, description: 'older text' });
    tsm.seed('account', 'my-vault-account', { ...accountBody, description: 'older text' });

    const integration = await run(replacing());

    expect(integration.resources.map((resource) => resource.outcome)).toEqual([
      'replaced',
      'replaced',
      'created',
    ]);
    expect(integration.warnings).toEqual([]);
  });
});
