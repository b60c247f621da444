import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleOf,
  makeIntermediate,
  makeRoot,
  type MadeCertificate,
} from '../support/certificates.js';
import {
  craftCertificate,
  ecPublicKey,
  makeRsaSigner,
  publicKeyDer,
  rsaPublicKey,
  type RsaSigner,
} from './support/crafted-certificates.js';
import { codes, errorsOf, integrationOf, validate, withCaBundle } from './support/requests.js';

const PEM = '/caBundle/pem';

// One 3072-bit key serves every test: with n > 3072 bits OpenSSL itself caps the exponent at
// 64 bits, so 3072 is where a crafted exponent costs the most.
let rsa: RsaSigner;
beforeAll(async () => {
  rsa = await makeRsaSigner(3072);
}, 30_000);

function refuse(pem: string) {
  const errors = errorsOf(validate(withCaBundle({ pem })));
  return { found: codes(errors), messages: errors.map((error) => error.message), errors };
}

/** A CA certificate named `subject`, issued by `issuer`, certifying the key `publicKey`. */
function issuedBy(issuer: MadeCertificate, subject: string, publicKey: Buffer) {
  return craftCertificate({
    subject,
    issuer: issuer.subject,
    publicKey,
    signingKey: issuer.key.privateKey,
  });
}

/**
 * What a tester sent: a root "CN=S" and 49 CAs of the same name whose 3072-bit keys have the
 * public exponent n - 2 (about 10 ms a signature check), signed by a key outside the bundle.
 */
async function exponentBomb(): Promise<string> {
  const root = await makeRoot({ subject: 'S' });
  const publicKey = rsaPublicKey(rsa.modulus, rsa.modulus - 2n);
  const signingKey = rsa.signingKey;
  const crafted = await Promise.all(
    Array.from({ length: 49 }, () =>
      craftCertificate({ subject: 'CN=S', issuer: 'CN=S', publicKey, signingKey }),
    ),
  );
  return crafted.join('') + root.pem;
}

/** What another tester sent: 4,000 empty blocks with 30 blank lines after each (250 KB). */
function armorFlood(): string {
  return `-----BEGIN X-----\n-----END X-----\n${'\n'.repeat(30)}`.repeat(4000);
}

describe('a hostile bundle', () => {
  it('is refused within a bound that only linear work meets', async () => {
    const pems = [await exponentBomb(), armorFlood()];

    const started = performance.now();
    const results = pems.map((pem) => validate(withCaBundle({ pem })));
    const elapsed = performance.now() - started;

    expect(results.map((result) => result.ok)).toEqual([false, false]);
    // About 0.2 s for both here (mostly parsing 50 certificates); before: 17 s and 2.1 s.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('names each RSA key with a huge exponent, and checks no signature with it', async () => {
    const { found, messages } = refuse(await exponentBomb());

    expect(found).toEqual(Array(49).fill({ pointer: PEM, code: 'PEM_RSA_EXPONENT_TOO_LARGE' }));
    expect(messages[0]).toContain(
      'Certificate 1 (subject "CN=S") has an RSA public exponent of 3072 bits',
    );
    expect(messages[0]).toContain('65537');
  });

  it('lists 100 errors of a flood of blocks, and counts the rest', () => {
    const { errors } = refuse(armorFlood());

    expect(errors).toHaveLength(101);
    expect(codes(errors.slice(0, 100))).toEqual(
      Array(100).fill({ pointer: PEM, code: 'PEM_BLOCK_NOT_CERTIFICATE' }),
    );
    expect(errors[100]).toEqual({
      pointer: '',
      code: 'TOO_MANY_ERRORS',
      message: expect.stringContaining('3901 more errors were found') as unknown,
    });
  });
});

describe('the keys a bundle may hold', () => {
  it('accepts an RSA exponent just under 2^32 and refuses one just above', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const under = await issuedBy(root, 'CN=Under', rsaPublicKey(rsa.modulus, 2n ** 32n - 1n));
    const over = await issuedBy(root, 'CN=Over', rsaPublicKey(rsa.modulus, 2n ** 32n + 1n));

    expect(integrationOf(validate(withCaBundle({ pem: under + root.pem })))).toBeDefined();
    const { found, messages } = refuse(over + root.pem);
    expect(found).toEqual([{ pointer: PEM, code: 'PEM_RSA_EXPONENT_TOO_LARGE' }]);
    expect(messages[0]).toContain('Certificate 1 (subject "CN=Over") has an RSA public exponent');
  });

  it('refuses DSA keys and EC keys on curves the mesh does not verify', async () => {
    const root = await makeRoot({ subject: 'Root' });
    const { publicKey } = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    const dsa = await issuedBy(root, 'CN=Dsa', publicKey.export({ type: 'spki', format: 'der' }));
    const koblitz = await issuedBy(root, 'CN=Koblitz', ecPublicKey('secp256k1'));
    const { found, messages } = refuse(dsa + koblitz + root.pem);

    expect(found).toEqual([
      { pointer: PEM, code: 'PEM_KEY_UNSUPPORTED' },
      { pointer: PEM, code: 'PEM_KEY_UNSUPPORTED' },
    ]);
    expect(messages[0]).toContain('Certificate 1 (subject "CN=Dsa") has a key of type dsa');
    expect(messages[1]).toContain('has an EC key on secp256k1, which the mesh cannot verify');
  });
});

describe('the work of checking chains', () => {
  it('refuses a bundle whose chains need more signature checks than it may cost', async () => {
    // Thirteen CAs of one name and no key identifiers: each may have issued each.
    const outside = await makeRoot({ subject: 'Outside' });
    const root = await makeRoot({ subject: 'Unused' });
    const rootKey = publicKeyDer(root.key.publicKey);
    const selfSigned = await craftCertificate({
      subject: 'CN=S',
      issuer: 'CN=S',
      publicKey: rootKey,
      signingKey: root.key.privateKey,
    });
    const lookAlikes = await Promise.all(
      Array.from({ length: 12 }, () =>
        craftCertificate({
          subject: 'CN=S',
          issuer: 'CN=S',
          publicKey: ecPublicKey('prime256v1'),
          signingKey: outside.key.privateKey,
        }),
      ),
    );
    const { found, messages } = refuse(lookAlikes.join('') + selfSigned);

    expect(found.at(-1)).toEqual({ pointer: PEM, code: 'PEM_TOO_COMPLEX' });
    expect(messages.at(-1)).toContain('more signature checks than a CA bundle may cost');
  });

  it('tells issuers of one name apart by key identifier, at one check each', async () => {
    // Without key identifiers this would take 15 x 30 checks, far over the budget of 180.
    const roots = await Promise.all(
      Array.from({ length: 30 }, () => makeRoot({ subject: 'Root' })),
    );
    const issuer = roots[29] as MadeCertificate;
    const intermediates = await Promise.all(
      Array.from({ length: 15 }, (_, index) =>
        makeIntermediate(issuer, { subject: `Issuing ${index}` }),
      ),
    );
    const { caBundle } = integrationOf(
      validate(withCaBundle({ pem: bundleOf(...intermediates, ...roots) })),
    );

    expect(caBundle?.mode === 'upload' ? caBundle.certificates : []).toHaveLength(45);
  });
});
