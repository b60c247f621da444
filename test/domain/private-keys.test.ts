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
