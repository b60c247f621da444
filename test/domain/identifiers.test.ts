import { describe, expect, it } from 'vitest';
import {
  codes,
  errorsOf,
  integrationOf,
  validate,
  withAccount,
  withCaBundle,
  withCertificateAuthority,
} from './support/requests.js';

function refusedAccount(fields: Record<string, unknown>) {
  const errors = errorsOf(validate(withAccount(fields)));
  return { found: codes(errors), messages: errors.map((error) => error.message) };
}

describe('ids and the CA label', () => {
  it.each(['a', 'my-CA-bundle', 'v1.2_b-3', 'x'.repeat(63)])('accept %j', (id) => {
    const result = validate({
      ...withCaBundle({ id }),
      certificateAuthority: { ...withCertificateAuthority({ label: id }).certificateAuthority },
    });

    expect(integrationOf(result).caBundle?.id).toBe(id);
    expect(integrationOf(result).certificateAuthority.label).toBe(id);
  });

  it.each(['', '-lead', 'trail.', 'under_', 'with space', 'ümlaut', 'a/b', 'x'.repeat(64)])(
    'refuse %j as ids and as labels',
    (value) => {
      const body = {
        ...withCaBundle({ id: value }),
        account: withAccount({ id: value }).account,
        certificateAuthority: withCertificateAuthority({ id: value, label: value })
          .certificateAuthority,
      };

      expect(codes(errorsOf(validate(body)))).toEqual([
        { pointer: '/account/id', code: 'ID_INVALID' },
        { pointer: '/caBundle/id', code: 'ID_INVALID' },
        { pointer: '/certificateAuthority/id', code: 'ID_INVALID' },
        { pointer: '/certificateAuthority/label', code: 'LABEL_INVALID' },
      ]);
    },
  );

  it('says how long an id may be', () => {
    expect(refusedAccount({ id: 'x'.repeat(70) }).messages[0]).toContain('at most 63');
  });
});

describe('names and descriptions', () => {
  it('accepts a name of 256 characters and a description of 1024', () => {
    const result = validate(withAccount({ name: 'n'.repeat(256), description: 'd'.repeat(1024) }));

    expect(integrationOf(result).account).toMatchObject({
      name: 'n'.repeat(256),
      description: 'd'.repeat(1024),
    });
  });

  it('refuses an empty name, a name over 256 characters and a description over 1024', () => {
    expect(refusedAccount({ name: '' }).found).toEqual([
      { pointer: '/account/name', code: 'NAME_INVALID' },
    ]);
    expect(refusedAccount({ name: 'n'.repeat(257), description: 'd'.repeat(1025) }).found).toEqual([
      { pointer: '/account/description', code: 'DESCRIPTION_TOO_LONG' },
      { pointer: '/account/name', code: 'NAME_INVALID' },
    ]);
  });
});

describe('whitespace and control characters', () => {
  it('trims surrounding whitespace of single-line fields, with a warning each', () => {
    const result = validate(withAccount({ id: ' my-vault-account\t', roleName: 'pki_int ' }));

    expect(integrationOf(result).account).toMatchObject({
      id: 'my-vault-account',
      roleName: 'pki_int',
    });
    expect(codes(result.warnings)).toEqual([
      { pointer: '/account/id', code: 'FIELD_WHITESPACE_TRIMMED' },
      { pointer: '/account/roleName', code: 'FIELD_WHITESPACE_TRIMMED' },
    ]);
  });

  it('refuses control characters inside any single-line field', () => {
    const found = codes(
      errorsOf(
        validate({
          ...withAccount({ description: 'line one\nline two', name: 'bell\u0007' }),
          certificateAuthority: withCertificateAuthority({ description: 'tab\there' })
            .certificateAuthority,
        }),
      ),
    );

    expect(found).toEqual([
      { pointer: '/account/description', code: 'FIELD_CONTROL_CHARACTERS' },
      { pointer: '/account/name', code: 'FIELD_CONTROL_CHARACTERS' },
      { pointer: '/certificateAuthority/description', code: 'FIELD_CONTROL_CHARACTERS' },
    ]);
  });
});

describe('invisible format characters', () => {
  it.each([
    ['a bidi override in a description', { description: 'invoice\u202Efdp.exe' }, 'description'],
    ['a name made only of zero-width spaces', { name: '\u200B\u200B' }, 'name'],
    ['a zero-width joiner in an id', { id: 'my-vault\u200Daccount' }, 'id'],
    ['a lone surrogate in a role name', { roleName: 'pki\uD800int' }, 'roleName'],
  ])('refuses %s, naming the character by code point', (_, fields, field) => {
    const { found, messages } = refusedAccount(fields);

    expect(found).toEqual([{ pointer: `/account/${field}`, code: 'FIELD_FORMAT_CHARACTERS' }]);
    expect(messages[0]).toMatch(/U\+(202E|200B|200D|D800)/);
    expect(messages[0]).not.toMatch(/[\u200B-\u200D\u202E]|[\uD800-\uDFFF]/);
  });
});

describe('the Vault role name', () => {
  it.each(['pki_int', '_role', 'role_', 'a', 'web.example-com'])('accepts %j', (roleName) => {
    expect(integrationOf(validate(withAccount({ roleName }))).account.roleName).toBe(roleName);
  });

  it('quotes a long value back cut to 80 characters', () => {
    const { messages } = refusedAccount({ roleName: `-${'r'.repeat(500)}` });

    expect(messages[0]).toContain(`"-${'r'.repeat(79)}…"`);
    expect(messages[0]).not.toContain('r'.repeat(80));
  });

  it.each(['-role', 'role-', '.role', 'role.', 'my role', 'role/x', ''])(
    'refuses %j',
    (roleName) => {
      expect(refusedAccount({ roleName }).found).toEqual([
        { pointer: '/account/roleName', code: 'ROLE_NAME_INVALID' },
      ]);
    },
  );
});

describe('the Kubernetes service account name', () => {
  it.each(['vault-issuer', 'a', 'issuer.vault.svc', '0-sa'])('accepts %j', (name) => {
    const result = validate(withAccount({ serviceAccountName: name }));

    expect(integrationOf(result).account.serviceAccountName).toBe(name);
  });

  it('refuses the system:serviceaccount form, giving the bare name', () => {
    const { found, messages } = refusedAccount({
      serviceAccountName: 'system:serviceaccount:vault:vault-issuer',
    });

    expect(found).toEqual([
      { pointer: '/account/serviceAccountName', code: 'SERVICE_ACCOUNT_QUALIFIED' },
    ]);
    expect(messages[0]).toContain('"vault-issuer"');
  });

  it('suggests the bare name in lower case when that makes it valid', () => {
    const { found, messages } = refusedAccount({
      serviceAccountName: 'system:serviceaccount:ns:Vault-Issuer',
    });

    expect(found).toEqual([
      { pointer: '/account/serviceAccountName', code: 'SERVICE_ACCOUNT_QUALIFIED' },
    ]);
    expect(messages[0]).toContain('in lower case, "vault-issuer"');
  });

  it('says what is wrong with a qualified name whose bare name is invalid too', () => {
    const { found, messages } = refusedAccount({
      serviceAccountName: 'system:serviceaccount:ns:vault_issuer',
    });

    expect(found).toEqual([
      { pointer: '/account/serviceAccountName', code: 'SERVICE_ACCOUNT_QUALIFIED' },
    ]);
    expect(messages[0]).toContain('"vault_issuer" is not a service account name either');
    expect(messages[0]).toContain('lower-case letters, digits, "-" and "."');
  });

  it('refuses upper case, giving the lower-case name', () => {
    const { found, messages } = refusedAccount({ serviceAccountName: 'Vault-Issuer' });

    expect(found).toEqual([
      { pointer: '/account/serviceAccountName', code: 'SERVICE_ACCOUNT_UPPERCASE' },
    ]);
    expect(messages[0]).toContain('"vault-issuer"');
  });

  it.each(['-sa', 'sa-', 'vault_issuer', 'a..b', 'x'.repeat(254), ''])('refuses %j', (name) => {
    expect(refusedAccount({ serviceAccountName: name }).found).toEqual([
      { pointer: '/account/serviceAccountName', code: 'SERVICE_ACCOUNT_INVALID' },
    ]);
  });
});
