import { describe, expect, it } from 'vitest';
import { differingFields, sameCertificates } from '../../src/domain/compare.js';

const account = {
  name: 'my-vault-account',
  provider: 'VAULT',
  authentication: { auth_vault: { type: 'K8S_SERVICE_ACCOUNT', role_name: 'pki_int' } },
};

describe('comparing a resource in TSM with the one we would write', () => {
  it('ignores the fields TSM adds of its own', () => {
    const inTsm = { ...account, id: 'my-vault-account', status: 'ACTIVE', createdAt: 'x' };
    expect(differingFields(account, inTsm)).toEqual([]);
  });

  it('names each field we send that TSM holds with another value', () => {
    const inTsm = {
      ...account,
      provider: 'OTHER',
      authentication: { auth_vault: { type: 'K8S_SERVICE_ACCOUNT', role_name: 'other' } },
    };
    expect(differingFields(account, inTsm)).toEqual([
      '/provider',
      '/authentication/auth_vault/role_name',
    ]);
  });

  it('counts an optional field we leave out as different when TSM has it set', () => {
    const inTsm = { ...account, certificate_id: 'old-bundle' };
    expect(differingFields(account, inTsm, ['/certificate_id'])).toEqual(['/certificate_id']);
    expect(
      differingFields(account, { ...account, certificate_id: '' }, ['/certificate_id']),
    ).toEqual([]);
  });

  it('compares labels item by item', () => {
    const desired = { labels: [{ key: 'CertificateAuthority', value: 'a' }] };
    expect(
      differingFields(desired, { labels: [{ key: 'CertificateAuthority', value: 'b' }] }),
    ).toEqual(['/labels/0/value']);
    expect(differingFields(desired, { labels: [] })).toEqual(['/labels']);
  });

  it('compares a certificate chain by its certificates, not its whitespace', () => {
    const tidy = '-----BEGIN CERTIFICATE-----\nAAAA\nBBBB\n-----END CERTIFICATE-----\n';
    const untidy = '-----BEGIN CERTIFICATE-----   \r\n  AAAABBBB\r\n-----END CERTIFICATE-----';
    expect(sameCertificates(tidy, untidy)).toBe(true);
    expect(sameCertificates(tidy, tidy.replace('BBBB', 'CCCC'))).toBe(false);
    const desired = { certificateAuthorityBundle: { cert_chain: tidy } };
    expect(
      differingFields(desired, { certificateAuthorityBundle: { cert_chain: untidy } }),
    ).toEqual([]);
  });
});
