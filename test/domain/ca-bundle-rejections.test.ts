import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SubjectKeyIdentifierExtension } from '../../src/domain/x509.js';
import {
  bundleOf,
  makeIntermediate,
  makeLeaf,
  makeRoot,
  withMd5Signature,
  type MadeCertificate,
} from '../support/certificates.js';
import { codes, errorsOf, integrationOf, validate, withCaBundle } from './support/requests.js';

const PEM = '/caBundle/pem';
const DAY_MS = 24 * 60 * 60 * 1000;
const now = new Date();

/** Pointer and code of each error the PEM gets, and their messages. */
function refuse(pem: string) {
  const errors = errorsOf(validate(withCaBundle({ pem }), { now }));
  return { found: codes(errors), messages: errors.map((error) => error.message) };
}

function only(...errorCodes: string[]) {
  return errorCodes.map((code) => ({ pointer: PEM, code }));
}

/** Messages name a certificate by position and subject, mid-sentence or at its start. */
function expectNamed(message: string | undefined, position: number, subject: string): void {
  expect(message?.toLowerCase()).toContain(
    `certificate ${position} (subject "${subject}")`.toLowerCase(),
  );
}

/** The certificate with the last byte of its signature changed. */
function withDamagedSignature(made: MadeCertificate): string {
  const der = Buffer.from(made.certificate.rawData);
  der.writeUInt8((der.at(-1) ?? 0) ^ 0x01, der.length - 1);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function block(label: string, body = 'AAAA'): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

describe('bounds, checked before any parsing', () => {
  it('refuses a PEM over 256 KiB', async () => {
    const root = await makeRoot();
    const padding = `${'x'.repeat(1023)}\n`.repeat(256);

    expect(refuse(root.pem + padding).found).toEqual(only('PEM_TOO_LARGE'));
  });

  it('refuses more than 50 distinct certificates', async () => {
    const roots = await Promise.all(Array.from({ length: 51 }, () => makeRoot()));
    const { found, messages } = refuse(bundleOf(...roots));

    expect(found).toEqual(only('PEM_TOO_MANY_CERTIFICATES'));
    expect(messages[0]).toContain('51 distinct certificates; at most 50');
    expect(
      integrationOf(validate(withCaBundle({ pem: bundleOf(...roots.slice(1)) }))),
    ).toBeDefined();
  });

  it('counts a certificate given 60 times once, dropping the copies', async () => {
    const root = await makeRoot();
    const result = validate(withCaBundle({ pem: root.pem.repeat(60) }));

    expect(integrationOf(result).caBundle).toMatchObject({ pem: root.pem });
    expect(codes(result.warnings)).toEqual([{ pointer: PEM, code: 'PEM_DUPLICATE_DROPPED' }]);
    expect(result.warnings[0]?.message).toContain('certificate 11 (same as 1) and 49 more.');
  });
});

describe('PEM that is not a bundle of certificates', () => {
  it.each(['', '   \n', 'no certificate here\n'])('refuses %j as PEM_NO_CERTIFICATE', (pem) => {
    expect(refuse(pem).found).toEqual(only('PEM_NO_CERTIFICATE'));
  });

  it.each(['CERTIFICATE REQUEST', 'PUBLIC KEY', 'X509 CRL', 'TRUSTED CERTIFICATE'])(
    'refuses a %s block, saying only CERTIFICATE blocks belong',
    async (label) => {
      const root = await makeRoot();
      const { found, messages } = refuse(root.pem + block(label));

      expect(found).toEqual(only('PEM_BLOCK_NOT_CERTIFICATE'));
      expect(messages[0]).toContain('Block 2');
      expect(messages[0]).toContain('only CERTIFICATE blocks belong');
    },
  );

  it('refuses a real public key in place of the root', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

    expect(refuse(pem).found).toEqual(only('PEM_BLOCK_NOT_CERTIFICATE', 'PEM_NO_CERTIFICATE'));
  });

  it.each([
    ['a BEGIN without END', '-----BEGIN CERTIFICATE-----\nAAAA\n'],
    ['an END without BEGIN', 'AAAA\n-----END CERTIFICATE-----\n'],
    ['mismatched labels', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'],
  ])('refuses %s as PEM_MALFORMED', (_, pem) => {
    expect(refuse(pem).found).toEqual(only('PEM_MALFORMED'));
  });

  it('refuses base64 that does not decode, hinting at escaped line breaks', async () => {
    const root = await makeRoot();
    const escaped = root.pem.replace(/\n/g, '\\n');
    const { found, messages } = refuse(escaped);

    expect(found).toEqual(only('PEM_BASE64_INVALID'));
    expect(messages[0]).toContain('\\n where line breaks belong');
  });

  it('refuses base64 that is not a certificate, naming its position', async () => {
    const root = await makeRoot();
    const { found, messages } = refuse(root.pem + block('CERTIFICATE', 'SGVsbG8sIFRTTQ=='));

    expect(found).toEqual(only('PEM_CERTIFICATE_INVALID'));
    expect(messages[0]).toContain('Certificate 2');
  });
});

describe('certificates that are not usable CAs', () => {
  it('refuses a leaf certificate, naming it by position and subject', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const leaf = await makeLeaf(root, { subject: 'vault.example.internal' });
    const { found, messages } = refuse(bundleOf(leaf, root));

    expect(found).toEqual(only('PEM_NOT_CA'));
    expectNamed(messages[0], 1, 'CN=vault.example.internal');
  });

  it('refuses an intermediate whose keyUsage lacks keyCertSign', async () => {
    const root = await makeRoot();
    const intermediate = await makeIntermediate(root, { subject: 'Signing', keyUsage: 1 });
    const { found, messages } = refuse(bundleOf(intermediate, root));

    expect(found).toEqual(only('PEM_KEY_USAGE_NO_CERT_SIGN'));
    expectNamed(messages[0], 1, 'CN=Signing');
  });

  it('accepts a CA without a keyUsage extension', async () => {
    const root = await makeRoot({ keyUsage: 'none' });

    expect(integrationOf(validate(withCaBundle({ pem: root.pem })))).toBeDefined();
  });

  it('refuses certificates outside their validity, and warns of one expiring soon', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const expired = await makeIntermediate(root, {
      subject: 'Old',
      notBefore: new Date(now.getTime() - 400 * DAY_MS),
      notAfter: new Date(now.getTime() - DAY_MS),
    });
    const future = await makeIntermediate(root, {
      subject: 'Future',
      notBefore: new Date(now.getTime() + DAY_MS),
    });
    const { found, messages } = refuse(bundleOf(expired, future, root));

    expect(found).toEqual(only('PEM_EXPIRED', 'PEM_NOT_YET_VALID'));
    expectNamed(messages[0], 1, 'CN=Old');
    expectNamed(messages[1], 2, 'CN=Future');
  });

  it('accepts a certificate that expires within 30 days, with a warning', async () => {
    const root = await makeRoot({ notAfter: new Date(now.getTime() + 10 * DAY_MS) });
    const result = validate(withCaBundle({ pem: root.pem }), { now });

    expect(integrationOf(result)).toBeDefined();
    expect(codes(result.warnings)).toEqual(only('PEM_EXPIRES_SOON'));
  });

  it('refuses an RSA key under 2048 bits', async () => {
    const root = await makeRoot({ key: 'rsa-1024', subject: 'Small' });
    const { found, messages } = refuse(root.pem);

    expect(found).toEqual(only('PEM_KEY_TOO_SMALL'));
    expect(messages[0]).toContain('1024-bit');
  });

  it('refuses SHA-1 and MD5 signatures below the root, but not on a root itself', async () => {
    const sha1Root = await makeRoot({ subject: 'Root', signatureHash: 'SHA-1' });
    const sha1 = await makeIntermediate(sha1Root, { subject: 'Sha1', signatureHash: 'SHA-1' });
    const rsaRoot = await makeRoot({ subject: 'Rsa Root', key: 'rsa-2048' });
    const md5 = withMd5Signature(await makeIntermediate(rsaRoot, { subject: 'Md5' }), rsaRoot);
    const { found, messages } = refuse(sha1.pem + md5 + bundleOf(sha1Root, rsaRoot));

    expect(found).toEqual(only('PEM_WEAK_SIGNATURE', 'PEM_WEAK_SIGNATURE'));
    expectNamed(messages[0], 1, 'CN=Sha1');
    expectNamed(messages[1], 2, 'CN=Md5');
  });
});

describe('chains', () => {
  it('refuses a bundle without a self-signed root, naming the missing issuer', async () => {
    const root = await makeRoot({ subject: 'Absent Root' });
    const intermediate = await makeIntermediate(root);
    const { found, messages } = refuse(intermediate.pem);

    expect(found).toEqual(only('PEM_NO_ROOT'));
    expect(messages[0]).toContain('"CN=Absent Root"');
  });

  it('refuses an intermediate whose issuer is not in the bundle', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const policy = await makeIntermediate(root, { subject: 'Policy' });
    const issuing = await makeIntermediate(policy, { subject: 'Issuing' });
    const { found, messages } = refuse(bundleOf(issuing, root));

    expect(found).toEqual(only('PEM_ISSUER_MISSING'));
    expectNamed(messages[0], 1, 'CN=Issuing');
    expect(messages[0]).toContain('was issued by "CN=Policy", which is not in the bundle');
  });

  it('refuses an intermediate whose signature does not verify against its issuer', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const intermediate = await makeIntermediate(root, { subject: 'Issuing' });
    const { found, messages } = refuse(withDamagedSignature(intermediate) + root.pem);

    expect(found).toEqual(only('PEM_SIGNATURE_INVALID'));
    expectNamed(messages[0], 1, 'CN=Issuing');
  });

  it('refuses an intermediate whose issuer by name has another key identifier', async () => {
    const impostor = await makeRoot({ subject: 'Root' });
    const root = await makeRoot({ subject: 'Root' });
    const intermediate = await makeIntermediate(impostor, { subject: 'Issuing' });
    const { found, messages } = refuse(bundleOf(intermediate, root));
    const keyId = (impostor.certificate.getExtension(SubjectKeyIdentifierExtension)?.keyId ?? '')
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:');

    expect(found).toEqual(only('PEM_ISSUER_MISSING'));
    expectNamed(messages[0], 1, 'CN=Issuing');
    expect(messages[0]).toContain(`with the key identifier ${keyId}, and no certificate`);
  });

  it('accepts a chain to either of two roots of one name (a root being rotated)', async () => {
    const oldRoot = await makeRoot({ subject: 'Root' });
    const newRoot = await makeRoot({ subject: 'Root' });
    const intermediate = await makeIntermediate(newRoot, { subject: 'Issuing' });

    expect(
      integrationOf(validate(withCaBundle({ pem: bundleOf(intermediate, oldRoot, newRoot) }))),
    ).toBeDefined();
  });

  it('refuses an intermediate below a root whose pathLenConstraint is 0', async () => {
    const root = await makeRoot({ subject: 'Root', pathLength: 0 });
    const intermediate = await makeIntermediate(root, { subject: 'Issuing' });
    const { found, messages } = refuse(bundleOf(intermediate, root));

    expect(found).toEqual(only('PEM_PATH_LENGTH_EXCEEDED'));
    expectNamed(messages[0], 1, 'CN=Issuing');
    expect(messages[0]).toContain('1 CA level(s) below certificate 2 (subject "CN=Root")');
  });

  it('counts every level between a CA and the certificates below it', async () => {
    const root = await makeRoot({ subject: 'Root', pathLength: 1 });
    const policy = await makeIntermediate(root, { subject: 'Policy' });
    const issuing = await makeIntermediate(policy, { subject: 'Issuing' });

    expect(integrationOf(validate(withCaBundle({ pem: bundleOf(policy, root) })))).toBeDefined();
    expect(refuse(bundleOf(issuing, policy, root)).found).toEqual(only('PEM_PATH_LENGTH_EXCEEDED'));
  });

  it('reports every certificate at fault at once, in input order', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const leaf = await makeLeaf(root, { subject: 'Leaf' });
    const small = await makeIntermediate(root, { subject: 'Small', key: 'rsa-1024' });
    const { found } = refuse(bundleOf(leaf, small, root) + block('PUBLIC KEY'));

    expect(found).toEqual(only('PEM_BLOCK_NOT_CERTIFICATE', 'PEM_NOT_CA', 'PEM_KEY_TOO_SMALL'));
  });
});
