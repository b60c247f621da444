/**
 * Certificates no well-behaved CA issues, for the tests of hostile bundles: RSA keys with any
 * public exponent, keys of types the mesh cannot verify. None carries key identifiers, so
 * nothing but a signature check tells their issuers apart. The public key is given as
 * SubjectPublicKeyInfo DER, which the generator embeds as it is; the signature comes from
 * whatever signing key the test holds.
 */
import 'reflect-metadata';
import { generateKeyPairSync, KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;

const DAY_MS = 24 * 60 * 60 * 1000;
const RSA_ENCRYPTION = Buffer.from('300d06092a864886f70d0101010500', 'hex');
let serial = 1000;

/** An RSA modulus with the private key that signs with it (public exponent 65537). */
export interface RsaSigner {
  modulus: bigint;
  signingKey: CryptoKey;
}

/** What a crafted certificate is made of. */
export interface CraftedCertificate {
  subject: string;
  issuer: string;
  /** SubjectPublicKeyInfo DER of the certified key. */
  publicKey: Buffer;
  signingKey: CryptoKey;
}

/** A fresh RSA key of `bits` bits, as a modulus and a WebCrypto signing key. */
export async function makeRsaSigner(bits: number): Promise<RsaSigner> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const modulus = publicKey.export({ format: 'jwk' }).n ?? '';
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    privateKey.export({ type: 'pkcs8', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return { modulus: BigInt(`0x${Buffer.from(modulus, 'base64url').toString('hex')}`), signingKey };
}

/** SubjectPublicKeyInfo DER of the RSA key (modulus, exponent), whatever the exponent. */
export function rsaPublicKey(modulus: bigint, exponent: bigint): Buffer {
  const key = tlv(0x30, Buffer.concat([integer(modulus), integer(exponent)]));
  return tlv(0x30, Buffer.concat([RSA_ENCRYPTION, tlv(0x03, Buffer.concat([Buffer.of(0), key]))]));
}

/** SubjectPublicKeyInfo DER of a fresh EC key on the named curve. */
export function ecPublicKey(namedCurve: string): Buffer {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve });
  return publicKey.export({ type: 'spki', format: 'der' });
}

/** SubjectPublicKeyInfo DER of a WebCrypto public key. */
export function publicKeyDer(key: CryptoKey): Buffer {
  return KeyObject.from(key).export({ type: 'spki', format: 'der' });
}

/** A CA certificate in PEM, valid from yesterday for a year. */
export async function craftCertificate(crafted: CraftedCertificate): Promise<string> {
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (++serial).toString(16),
    subject: crafted.subject,
    issuer: crafted.issuer,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    publicKey: crafted.publicKey,
    signingKey: crafted.signingKey,
    signingAlgorithm: { name: crafted.signingKey.algorithm.name, hash: 'SHA-256' },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return `${certificate.toString('pem')}\n`;
}

function integer(value: bigint): Buffer {
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  const first = bytes[0] ?? 0;
  return tlv(0x02, first >= 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), length(content.length), content]);
}

function length(value: number): Buffer {
  if (value < 0x80) return Buffer.of(value);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}
