import { describe, expect, it } from 'vitest';
import { makePrivateKeyPem, makeRoot } from '../support/certificates.js';
import {
  codes,
  errorsOf,
  validate,
  validRequest,
  withAccount,
  withCaBundle,
  withCertificateAuthority,
} from './support/requests.js';

const OPENSSH_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

/** Every line of key material (the base64 body), which must appear in no message. */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

function expectNoKeyText(messages: string[], key: string): void {
  for (const line of keyLines(key)) {
    for (const message of messages) expect(message).not.toContain(line.slice(0, 24));
  }
  for (const message of messages) expect(message).not.toContain('-----BEGIN');
}

describe('private keys', () => {
  const forms = {
    'PKCS#8': makePrivateKeyPem('pkcs8'),
    RSA: makePrivateKeyPem('rsa'),
    EC: makePrivateKeyPem('ec'),
    ENCRYPTED: makePrivateKeyPem('encrypted'),
    OPENSSH: OPENSSH_KEY,
  };

  it.each(Object.entries(forms))(
    'refuses a %s key in the PEM without quoting it',
    async (_, key) => {
      const root = await makeRoot();
      const result = validate(withCaBundle({ pem: root.pem + key }));
      const errors = errorsOf(result);

      expect(codes(errors)).toEqual([{ pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' }]);
      expect(errors[0]?.message).toMatch(/Remove it/);
      expect(errors[0]?.message).toMatch(/exposed/);
      expectNoKeyText(
        [...errors, ...result.warnings].map((finding) => finding.message),
        key,
      );
    },
  );

  it('refuses a key in any other string field, and checks that field no further', () => {
    const key = forms['PKCS#8'];
    const result = validate(withAccount({ roleName: key, description: `note: ${key}` }));
    const errors = errorsOf(result);

    expect(codes(errors)).toEqual([
      { pointer: '/account/description', code: 'PRIVATE_KEY_REJECTED' },
      { pointer: '/account/roleName', code: 'PRIVATE_KEY_REJECTED' },
    ]);
    expectNoKeyText(
      [...errors, ...result.warnings].map((finding) => finding.message),
      key,
    );
  });

  it('refuses a key in an unknown field or a property name, never in a pointer', () => {
    const key = forms.EC;
    const body = { ...withCertificateAuthority({ notes: [key] }), misc: { [key]: true } };
    const errors = errorsOf(validate(body));

    expect(codes(errors)).toEqual([
      { pointer: '/certificateAuthority/notes', code: 'UNKNOWN_FIELD' },
      { pointer: '/certificateAuthority/notes/0', code: 'PRIVATE_KEY_REJECTED' },
      { pointer: '/misc', code: 'PRIVATE_KEY_REJECTED' },
      { pointer: '/misc', code: 'UNKNOWN_FIELD' },
    ]);
  });

  it('refuses a key given alone as the PEM, which holds no certificate either', () => {
    const errors = errorsOf(validate({ ...validRequest(), caBundle: { id: 'b', pem: forms.RSA } }));

    expect(codes(errors)).toEqual([
      { pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' },
      { pointer: '/caBundle/pem', code: 'PEM_NO_CERTIFICATE' },
    ]);
  });

  it('reports a key even in a PEM too large to be read', () => {
    const pem = forms.EC + `${'x'.repeat(1023)}\n`.repeat(300);
    const errors = errorsOf(validate({ ...validRequest(), caBundle: { id: 'b', pem } }));

    expect(codes(errors)).toEqual([
      { pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' },
      { pointer: '/caBundle/pem', code: 'PEM_TOO_LARGE' },
    ]);
  });
});

/** The base64 body of a PEM key, its armor lines removed, as lines of 64 characters. */
function bodyOf(pem: string): string {
  return `${keyLines(pem).join('\n')}\n`;
}

/** A fresh EC key as one line of base64 of its SEC1 DER, as a tester pasted it. */
function oneLineSec1(): string {
  return keyLines(makePrivateKeyPem('ec')).join('');
}

describe('private keys without their armor', () => {
  const bodies = {
    'PKCS#1': () => bodyOf(makePrivateKeyPem('rsa')),
    'PKCS#8': () => bodyOf(makePrivateKeyPem('pkcs8')),
    SEC1: () => bodyOf(makePrivateKeyPem('ec')),
    'base64 of an armored key': () => `${Buffer.from(makePrivateKeyPem()).toString('base64')}\n`,
    'armor with two dashes': () => makePrivateKeyPem().replace(/-----/g, '--'),
    'armor with em dashes': () => makePrivateKeyPem().replace(/-----/g, '\u2014\u2014'),
  };

  it.each(Object.entries(bodies))(
    'refuses %s between the certificates of the PEM, though that text is dropped',
    async (_, make) => {
      const root = await makeRoot();
      const key = make();
      const result = validate(withCaBundle({ pem: root.pem + key }));
      const errors = errorsOf(result);

      expect(codes(errors)).toEqual([{ pointer: '/caBundle/pem', code: 'PRIVATE_KEY_REJECTED' }]);
      expect(errors[0]?.message).toMatch(/exposed/);
      expectNoKeyText(
        [...errors, ...result.warnings].map((finding) => finding.message),
        key,
      );
    },
  );

  it.each(['vaultPath', 'label', 'name', 'description'])(
    'refuses a one-line SEC1 key in certificateAuthority.%s without quoting it',
    (field) => {
      const key = oneLineSec1();
      const result = validate(withCertificateAuthority({ [field]: key }));
      const errors = errorsOf(result);

      expect(codes(errors)).toEqual([
        { pointer: `/certificateAuthority/${field}`, code: 'PRIVATE_KEY_REJECTED' },
      ]);
      for (const error of errors) expect(error.message).not.toContain(key.slice(0, 24));
    },
  );

  it.each(['roleName', 'serviceAccountName', 'namespace', 'mountPath'])(
    'refuses a one-line SEC1 key in account.%s, also inside other text',
    (field) => {
      const key = oneLineSec1();
      const result = validate(withAccount({ [field]: `key: ${key} (do not share)` }));

      expect(codes(errorsOf(result))).toEqual([
        { pointer: `/account/${field}`, code: 'PRIVATE_KEY_REJECTED' },
      ]);
    },
  );

  it('accepts base64 that is not a key, such as a certificate in a description', async () => {
    const root = await makeRoot();
    const description = keyLines(root.pem).join('');
    const result = validate(withCertificateAuthority({ description }));

    expect(result.ok).toBe(true);
  });
});

describe('values quoted back in messages', () => {
  it('elide a long run of base64 that may be a secret', () => {
    const token = Buffer.from('a token that is not a key, 0123456789').toString('base64');
    const result = validate(withAccount({ roleName: `role:${token}` }));
    const [error] = errorsOf(result);

    expect(error?.code).toBe('ROLE_NAME_INVALID');
    expect(error?.message).toContain('"role:[base64 elided]"');
    expect(error?.message).not.toContain(token.slice(0, 12));
  });

  it('escape bidi and zero-width characters, never showing them', () => {
    const body = { ...validRequest(), ['note\u202Egnp.exe\u200B']: 1 };
    const [error] = errorsOf(validate(body));

    expect(error?.code).toBe('UNKNOWN_FIELD');
    expect(error?.message).toContain('"note\\u202egnp.exe\\u200b"');
    expect(error?.message).not.toMatch(/[\u202E\u200B]/);
  });
});
