import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planResources } from '../../src/domain/tsm-bodies.js';
import { codes, integrationOf, validate } from './support/requests.js';

function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../fixtures/tsm-documentation/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

const certificateBody = fixture('1-certificate.json');
const accountBody = fixture('2-external-account.json');
const certificateAuthorityBody = fixture('3-certificate-authority.json');
const documentedChain = (certificateBody.certificateAuthorityBundle as { cert_chain: string })
  .cert_chain;

/** The consolidated request a caller would send for the documentation's example. */
function documentationRequest() {
  return {
    caBundle: { id: 'my-CA-bundle', name: 'my-CA-bundle', description: '', pem: documentedChain },
    account: {
      id: 'my-vault-account',
      name: 'my-vault-account',
      description: 'my vault ca account',
      vaultUrl: 'https://my-vault-server-22608bc3.4514f36d.z1.hashicorp.cloud:8200',
      serviceAccountName: 'vault-issuer',
      roleName: 'pki_int',
      mountPath: '/v1/auth/tenant-02',
      namespace: 'admin',
    },
    certificateAuthority: {
      id: 'my-vault-ca-configuration',
      name: 'my-vault-ca-configuration',
      description: 'My Vault CA configuration',
      label: 'my-ca-label',
      vaultPath: 'pki_int/sign/example-dot-com',
    },
  };
}

describe('the documentation example', () => {
  it('plans exactly the three documented bodies, with the chain normalized', () => {
    const integration = integrationOf(validate(documentationRequest()));
    const planned = planResources(integration);

    const normalizedChain = documentedChain.replace(
      '-----BEGIN CERTIFICATE-----    \n',
      '-----BEGIN CERTIFICATE-----\n',
    );
    expect(normalizedChain).not.toBe(documentedChain);
    expect(planned.map(({ kind, id, mode }) => ({ kind, id, mode }))).toEqual([
      { kind: 'caBundle', id: 'my-CA-bundle', mode: 'write' },
      { kind: 'account', id: 'my-vault-account', mode: 'write' },
      { kind: 'certificateAuthority', id: 'my-vault-ca-configuration', mode: 'write' },
    ]);
    expect(planned[0]?.body).toEqual({
      ...certificateBody,
      certificateAuthorityBundle: { cert_chain: normalizedChain },
    });
    expect(planned[1]?.body).toEqual(accountBody);
    expect(planned[2]?.body).toEqual(certificateAuthorityBody);
  });

  it('reports the trailing spaces it removed from the chain, and nothing else', () => {
    const result = validate(documentationRequest());

    expect(codes(result.warnings)).toEqual([
      { pointer: '/caBundle/pem', code: 'PEM_TRAILING_WHITESPACE_REMOVED' },
    ]);
  });

  it('describes the documented root in the normalized bundle', () => {
    const { caBundle } = integrationOf(validate(documentationRequest()));

    expect(caBundle?.mode).toBe('upload');
    expect(caBundle?.mode === 'upload' ? caBundle.certificates : []).toEqual([
      {
        subject: 'CN=minica root ca 3b27cb',
        issuer: 'CN=minica root ca 3b27cb',
        notAfter: '2123-03-25T12:24:56.000Z',
        selfSigned: true,
        notBefore: '2023-03-25T12:24:56.000Z',
        fingerprint256: new X509Certificate(documentedChain).fingerprint256,
      },
    ]);
  });

  it('applies the defaults: name from the id, empty descriptions, reject on existing', () => {
    const request = documentationRequest();
    const { caBundle, account, certificateAuthority } = request;
    const minimal = {
      caBundle: { id: caBundle.id, pem: caBundle.pem },
      account: { ...account, name: undefined, description: undefined },
      certificateAuthority: { ...certificateAuthority, name: undefined, description: undefined },
    };
    const integration = integrationOf(validate(JSON.parse(JSON.stringify(minimal))));

    expect(integration.onExisting).toBe('reject');
    expect(integration.caBundle).toMatchObject({ name: 'my-CA-bundle', description: '' });
    expect(integration.account).toMatchObject({ name: 'my-vault-account', description: '' });
    expect(integration.certificateAuthority).toMatchObject({
      name: 'my-vault-ca-configuration',
      description: '',
    });
  });
});
