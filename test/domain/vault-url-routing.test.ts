import { describe, expect, it } from 'vitest';
import { codes, errorsOf, integrationOf, validate, withAccount } from './support/requests.js';

const POINTER = '/account/vaultUrl';

function refused(vaultUrl: string, allowLoopbackVault = false) {
  const errors = errorsOf(validate(withAccount({ vaultUrl }), { allowLoopbackVault }));
  return { found: codes(errors), message: errors[0]?.message ?? '' };
}

function acceptedUrl(vaultUrl: string, allowLoopbackVault = false) {
  return integrationOf(validate(withAccount({ vaultUrl }), { allowLoopbackVault })).account
    .vaultUrl;
}

describe('a Vault URL host the clusters can never reach Vault at', () => {
  it.each([
    ['https://127.0.0.1:1', 'loopback'],
    ['https://127.255.10.3:8200', 'loopback'],
    ['https://[::1]:8200', 'loopback'],
    ['https://[::ffff:127.0.0.1]:8200', 'loopback'],
    ['https://localhost:8200', 'loopback'],
    ['https://LocalHost.:8200', 'loopback'],
    ['https://vault.localhost:8200', 'loopback'],
    ['https://0.0.0.0:8200', 'unspecified'],
    ['https://[::]:8200', 'unspecified'],
    ['https://169.254.169.254:443', 'link-local'],
    ['https://[fe80::1]:8200', 'link-local'],
    ['https://[::ffff:169.254.169.254]:443', 'link-local'],
    ['https://224.0.0.1:8200', 'multicast'],
    ['https://[ff02::1]:8200', 'multicast'],
    ['https://[::127.0.0.1]:8200', 'loopback'],
    ['https://[64:ff9b::7f00:1]:8200', 'loopback'],
    ['https://[64:ff9b::169.254.169.254]:443', 'link-local'],
    ['https://[2002:7f00:1::]:8200', 'loopback'],
    ['https://[2002:a9fe:a9fe::1]:443', 'link-local'],
    ['https://240.0.0.1:8200', 'reserved'],
    ['https://255.255.255.255:8200', 'reserved'],
    ['https://[::ffff:255.255.255.255]:8200', 'reserved'],
  ])('refuses %s as %s, saying why', (vaultUrl, range) => {
    const { found, message } = refused(vaultUrl);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_URL_HOST_NOT_ROUTABLE' }]);
    expect(message).toContain(range);
    expect(message).toContain('the clusters of the mesh reach Vault at this address');
  });

  it.each(['https://10.0.0.5:8200', 'https://172.16.4.2:8200', 'https://192.168.1.9:8200'])(
    'accepts the private address of %s: Vault commonly lives there',
    (vaultUrl) => {
      expect(acceptedUrl(vaultUrl)).toBe(vaultUrl);
    },
  );

  it.each([
    ['https://[64:ff9b::a00:5]:8200', 'https://[64:ff9b::a00:5]:8200'],
    ['https://[2002:c0a8:109::1]:8200', 'https://[2002:c0a8:109::1]:8200'],
    ['https://[::10.0.0.5]:8200', 'https://[::a00:5]:8200'],
    ['https://[2001:db8::7f00:1]:8200', 'https://[2001:db8::7f00:1]:8200'],
  ])('accepts %s: the IPv4 address within is private, or there is none', (vaultUrl, sent) => {
    expect(acceptedUrl(vaultUrl)).toBe(sent);
  });

  it('accepts names that only contain "localhost" elsewhere', () => {
    expect(acceptedUrl('https://localhost.example.com:8200')).toBe(
      'https://localhost.example.com:8200',
    );
  });

  it('points a refused loopback address at VAULT_ALLOW_LOOPBACK', () => {
    expect(refused('https://127.0.0.1:8200').message).toContain('VAULT_ALLOW_LOOPBACK=true');
    expect(refused('https://169.254.169.254:443').message).not.toContain('VAULT_ALLOW_LOOPBACK');
  });
});

describe('a Vault URL host under VAULT_ALLOW_LOOPBACK=true', () => {
  it.each([
    'https://127.0.0.1:8200',
    'https://[::1]:8200',
    'https://localhost:8200',
    'https://[64:ff9b::7f00:1]:8200',
  ])('accepts the loopback %s, for a test Vault on this machine', (vaultUrl) => {
    expect(acceptedUrl(vaultUrl, true)).toBe(vaultUrl);
  });

  it.each([
    'https://169.254.169.254:443',
    'https://[fe80::1]:8200',
    'https://0.0.0.0:8200',
    'https://224.0.0.1:8200',
  ])('still refuses %s', (vaultUrl) => {
    expect(refused(vaultUrl, true).found).toEqual([
      { pointer: POINTER, code: 'VAULT_URL_HOST_NOT_ROUTABLE' },
    ]);
  });
});
