import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../src/tsm/resource-paths.js';

describe('resource paths', () => {
  it('places each kind where TSM documents it', () => {
    expect(resourcePath('caBundle', 'my-CA-bundle')).toBe(
      '/tsm/v1alpha2/projects/default/certificates/my-CA-bundle',
    );
    expect(resourcePath('account', 'my-vault-account')).toBe(
      '/tsm/v1alpha1/external-accounts/my-vault-account',
    );
    expect(resourcePath('certificateAuthority', 'my-vault-ca-configuration')).toBe(
      '/tsm/v1alpha2/projects/default/certificate-authorities/my-vault-ca-configuration',
    );
  });

  it('keeps an id inside one path segment', () => {
    expect(resourcePath('account', 'a/../b?c')).toBe(
      '/tsm/v1alpha1/external-accounts/a%2F..%2Fb%3Fc',
    );
  });
});
