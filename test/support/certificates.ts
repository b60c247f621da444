/**
 * Real certificates for tests, made on the spot: roots, intermediates and leaves with the
 * properties a test is about (expired, not a CA, a small RSA key, SHA-1 or MD5 signatures,
 * path length limits). EC P-256 keys by default, because they are made in microseconds.
 */
import 'reflect-metadata';
import { generateKeyPairSync, KeyObject, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The kind of key a certificate gets. RSA only where a test is about RSA. */
export type KeyKind = 'ec' | 'rsa-2048' | 'rsa-1024';

/** What a test may choose about a certificate; everything has a sensible default. */
export interface CertificateOptions {
  /** Common name, or a whole distinguished name when it contains "=". */
  subject?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** basicConstraints cA; true for roots and intermediates, false for leaves by default. */
  ca?: boolean;
  /** basicConstraints pathLenConstraint; absent by default. */
  pathLength?: number;
  /** keyUsage flags (x509.KeyUsageFlags), or 'none' to leave the extension out. */
  keyUsage?: number | 'none';
  key?: KeyKind;
  /** Hash of the issuer's signature; SHA-1 needs an EC issuer (WebCrypto binds RSA hashes). */
  signatureHash?: 'SHA-256' | 'SHA-1';
  /** subjectAltName DNS names or IP addresses, for a server certificate. */
  hostNames?: string[];
}

/** A certificate with the key pair that can sign its children. */
export interface MadeCertificate {
  pem: string;
  /** Its subject as @peculiar/x509 (and the validator's messages) print it, e.g. "CN=Root". */
  subject: string;
  key: CryptoKeyPair;
  keyKind: KeyKind;
  certificate: x509.X509Certificate;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_KEY_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
const LEAF_KEY_USAGE = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
let serial = 0;

/** A self-signed root CA. */
export async function makeRoot(options: CertificateOptions = {}): Promise<MadeCertificate> {
  return make(options, true, undefined);
}

/** An intermediate CA signed by `issuer`. */
export async function makeIntermediate(
  issuer: MadeCertificate,
  options: CertificateOptions = {},
): Promise<MadeCertificate> {
  return make(options, true, issuer);
}

/** An end-entity (server) certificate signed by `issuer`; not a CA. */
export async function makeLeaf(
  issuer: MadeCertificate,
  options: CertificateOptions = {},
): Promise<MadeCertificate> {
  return make(options, false, issuer);
}

/** The PEM texts of certificates joined into one bundle, in the order given. */
export function bundleOf(...certificates: MadeCertificate[]): string {
  return certificates.map((certificate) => certificate.pem).join('');
}

/** The private key of a made certificate as PKCS#8 PEM, e.g. for a TLS server. */
export async function privateKeyPemOf(certificate: MadeCertificate): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', certificate.key.privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

/** A fresh private key as PEM: PKCS#8 by default, or the traditional RSA, EC or encrypted forms. */
export function makePrivateKeyPem(form: 'pkcs8' | 'rsa' | 'ec' | 'encrypted' = 'pkcs8'): string {
  if (form === 'rsa') {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (form === 'ec') return privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  if (form === 'encrypted') {
    const encryption = { cipher: 'aes-256-cbc', passphrase: 'not-a-secret' };
    return privateKey.export({ type: 'pkcs8', format: 'pem', ...encryption }).toString();
  }
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * The same certificate re-signed by its RSA issuer with MD5, which WebCrypto cannot do. Both
 * signature algorithm identifiers are rewritten in the DER (same length) and the TBS re-signed.
 */
export function withMd5Signature(child: MadeCertificate, issuer: MadeCertificate): string {
  const sha256WithRsa = Buffer.from('06092a864886f70d01010b', 'hex');
  const md5WithRsa = Buffer.from('06092a864886f70d010104', 'hex');
  const der = Buffer.from(child.certificate.rawData);
  for (let at = der.indexOf(sha256WithRsa); at >= 0; at = der.indexOf(sha256WithRsa, at)) {
    md5WithRsa.copy(der, at);
  }
  const tbsStart = headerLength(der, 0);
  const tbs = der.subarray(
    tbsStart,
    tbsStart + headerLength(der, tbsStart) + contentLength(der, tbsStart),
  );
  const signature = sign('md5', tbs, KeyObject.from(issuer.key.privateKey));
  signature.copy(der, der.length - signature.length);
  return toPem(der);
}

async function make(
  options: CertificateOptions,
  defaultCa: boolean,
  issuer: MadeCertificate | undefined,
): Promise<MadeCertificate> {
  const keyKind = options.key ?? 'ec';
  const key = await generateKey(keyKind);
  const subject = distinguishedName(
    options.subject ?? `Test ${defaultCa ? 'CA' : 'leaf'} ${serial + 1}`,
  );
  const signer = issuer ?? { key, keyKind, subject };
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: (++serial).toString(16).padStart(2, '0'),
    subject,
    issuer: signer.subject,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY_MS),
    publicKey: key.publicKey,
    signingKey: signer.key.privateKey,
    signingAlgorithm: signingAlgorithm(signer.keyKind, options.signatureHash ?? 'SHA-256'),
    extensions: await extensions(options, defaultCa, key, signer.key),
  });
  return {
    pem: certificate.toString('pem') + '\n',
    subject: certificate.subject,
    key,
    keyKind,
    certificate,
  };
}

async function extensions(
  options: CertificateOptions,
  defaultCa: boolean,
  key: CryptoKeyPair,
  signerKey: CryptoKeyPair,
): Promise<x509.Extension[]> {
  const ca = options.ca ?? defaultCa;
  const list: x509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, options.pathLength, true),
    await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signerKey.publicKey),
  ];
  const usage = options.keyUsage ?? (ca ? CA_KEY_USAGE : LEAF_KEY_USAGE);
  if (usage !== 'none') list.push(new x509.KeyUsagesExtension(usage, true));
  if (options.hostNames !== undefined) {
    const names = options.hostNames.map((name) =>
      /^[0-9.]+$|:/.test(name)
        ? { type: 'ip' as const, value: name }
        : { type: 'dns' as const, value: name },
    );
    list.push(new x509.SubjectAlternativeNameExtension(names));
  }
  return list;
}

async function generateKey(kind: KeyKind): Promise<CryptoKeyPair> {
  const algorithm =
    kind === 'ec'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: kind === 'rsa-1024' ? 1024 : 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        };
  return webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
}

function signingAlgorithm(kind: KeyKind, hash: string) {
  return kind === 'ec' ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5', hash };
}

function distinguishedName(subject: string): string {
  return subject.includes('=') ? subject : `CN=${subject}`;
}

function headerLength(der: Buffer, at: number): number {
  const first = der[at + 1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Buffer, at: number): number {
  const first = der[at + 1] ?? 0;
  if (first < 0x80) return first;
  return der.subarray(at + 2, at + 2 + (first & 0x7f)).readUIntBE(0, first & 0x7f);
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
