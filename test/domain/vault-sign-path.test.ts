import { describe, expect, it } from 'vitest';
import {
  codes,
  errorsOf,
  integrationOf,
  validate,
  withCertificateAuthority,
} from './support/requests.js';

const POINTER = '/certificateAuthority/vaultPath';

function accepted(vaultPath: string) {
  const result = validate(withCertificateAuthority({ vaultPath }));
  return {
    vaultPath: integrationOf(result).certificateAuthority.vaultPath,
    warnings: codes(result.warnings),
  };
}

function refused(vaultPath: string) {
  const errors = errorsOf(validate(withCertificateAuthority({ vaultPath })));
  return { found: codes(errors), messages: errors.map((error) => error.message) };
}

describe('the sign path', () => {
  it.each([
    'pki_int/sign/example-dot-com',
    'pki/issuer/default/sign/example.com',
    'teams/east/pki/sign/mesh_role',
  ])('accepts %j as it is', (vaultPath) => {
    expect(accepted(vaultPath)).toEqual({ vaultPath, warnings: [] });
  });

  it.each([
    '/pki_int/sign/example-dot-com',
    '/v1/pki_int/sign/example-dot-com',
    'pki_int/sign/example-dot-com/',
    'pki_int//sign///example-dot-com',
    '//v1//pki_int/sign/example-dot-com//',
  ])('rewrites %j with a warning', (vaultPath) => {
    expect(accepted(vaultPath)).toEqual({
      vaultPath: 'pki_int/sign/example-dot-com',
      warnings: [{ pointer: POINTER, code: 'VAULT_PATH_NORMALIZED' }],
    });
  });

  it('refuses issue, saying Vault would make the key, and suggesting sign', () => {
    const { found, messages } = refused('pki_int/issue/example-dot-com');

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_PATH_ISSUE_ENDPOINT' }]);
    expect(messages[0]).toContain('generate the private key');
    expect(messages[0]).toContain('"pki_int/sign/example-dot-com"');
  });

  it('suggests sign for an issuer-specific issue path too', () => {
    expect(refused('pki/issuer/next/issue/web').messages[0]).toContain(
      '"pki/issuer/next/sign/web"',
    );
  });

  it.each([
    ['pki/sign-verbatim', 'VAULT_PATH_PRIVILEGED_ENDPOINT'],
    ['pki/sign-verbatim/web', 'VAULT_PATH_PRIVILEGED_ENDPOINT'],
    ['pki/root/sign-intermediate', 'VAULT_PATH_PRIVILEGED_ENDPOINT'],
    ['sys/sign/web', 'VAULT_PATH_RESERVED_MOUNT'],
    ['cubbyhole/sign/web', 'VAULT_PATH_RESERVED_MOUNT'],
    ['pki/sign/-web', 'VAULT_PATH_ROLE_INVALID'],
    ['pki/sign/web.', 'VAULT_PATH_ROLE_INVALID'],
    ['pki/sign', 'VAULT_PATH_NOT_SIGN'],
    ['sign/web', 'VAULT_PATH_NOT_SIGN'],
    ['pki/roles/web', 'VAULT_PATH_NOT_SIGN'],
    ['', 'VAULT_PATH_NOT_SIGN'],
    ['pki/sign/web role', 'VAULT_PATH_CHARACTERS'],
    ['https://vault.example.internal:8200/v1/pki_int/sign/web', 'VAULT_PATH_IS_URL'],
    ['vault.example.internal:8200/v1/pki_int/sign/web', 'VAULT_PATH_IS_URL'],
    ['/https:/vault:8200/pki_int/sign/web', 'VAULT_PATH_IS_URL'],
  ])('refuses %j as %s', (vaultPath, code) => {
    expect(refused(vaultPath).found).toEqual([{ pointer: POINTER, code }]);
  });
});

describe('a whole Vault URL pasted as the sign path', () => {
  it('names the sign path within it, without /v1/, and where the server belongs', () => {
    const message = refused('https://vault.example.internal:8200/v1/pki_int/sign/web').messages[0];

    expect(message).toContain('"pki_int/sign/web"');
    expect(message).toContain('account.vaultUrl');
  });

  it.each([
    ['/v1//vault.example.com:8200/pki/sign/r', 'the host of a URL without its scheme'],
    ['pki/vault.example.com:8200/pki/sign/r', 'holds a host and port'],
    ['//vault.example.com/pki/sign/r', 'starts with "//"'],
    ['/V1//vault.example.com/pki/sign/r', 'starts with "//"'],
  ])('refuses %j, hidden behind slashes, and suggests "pki/sign/r"', (vaultPath, hint) => {
    const { found, messages } = refused(vaultPath);

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_PATH_IS_URL' }]);
    expect(messages[0]).toContain(hint);
    expect(messages[0]).toContain('Here that is "pki/sign/r".');
  });
});

describe('a sign path after "//", read as a URL without its scheme', () => {
  it('offers the mount reading too when the host could be a mount name', () => {
    const { found, messages } = refused('/v1//pki_int/sign/web');

    expect(found).toEqual([{ pointer: POINTER, code: 'VAULT_PATH_IS_URL' }]);
    expect(messages[0]).toContain('If "pki_int" is your mount, write "pki_int/sign/web".');
    expect(refused('//vault.example.com/pki/sign/r').messages[0]).not.toContain('your mount');
  });
});

describe('sign paths that would reach another Vault path', () => {
  it.each([
    ['pki/../sys/sign/x', 'VAULT_PATH_DOT_SEGMENT', '"." or ".." segment'],
    ['../../sys/sign/x', 'VAULT_PATH_DOT_SEGMENT', '"." or ".." segment'],
    ['pki/sign/../../sys/raw/sign/x', 'VAULT_PATH_DOT_SEGMENT', 'Vault resolves'],
    ['pki/./sign/web', 'VAULT_PATH_DOT_SEGMENT', 'name the path directly'],
    ['%73ys/sign/role', 'VAULT_PATH_URL_CHARACTERS', 'Vault decodes percent-encoding'],
    ['pki/%2e%2e/sys/sign/role', 'VAULT_PATH_URL_CHARACTERS', 'write the characters'],
    ['pki\\..\\sys/sign/role', 'VAULT_PATH_URL_CHARACTERS', 'read as "/"'],
    ['pki/sign/web?x=1', 'VAULT_PATH_URL_CHARACTERS', '"?", which ends the path'],
    ['pki/sign/web#f', 'VAULT_PATH_URL_CHARACTERS', '"#", which ends the path'],
    ['pki/sign/wéb', 'VAULT_PATH_CHARACTERS', 'holds U+00E9'],
  ])('refuses %j as %s, with a hint', (vaultPath, code, hint) => {
    const { found, messages } = refused(vaultPath);

    expect(found).toEqual([{ pointer: POINTER, code }]);
    expect(messages[0]).toContain(hint);
  });

  it.each(['v1/pki/sign/role', '/V1/pki/sign/role', 'V1//pki/sign/role/'])(
    'drops a v1 prefix in any case: %j',
    (vaultPath) => {
      expect(accepted(vaultPath)).toEqual({
        vaultPath: 'pki/sign/role',
        warnings: [{ pointer: POINTER, code: 'VAULT_PATH_NORMALIZED' }],
      });
    },
  );
});
