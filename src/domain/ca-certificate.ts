/**
 * One certificate of a CA bundle: decoded from its PEM block, parsed, and checked on its own
 * (is it a CA, may it sign certificates, is it valid now, are its key and signature strong).
 * Parsing is left to node:crypto and @peculiar/x509; nothing here reads ASN.1 by hand.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { isJsonObject } from './json-pointer.js';
import type { CertificateSummary } from './normalized-integration.js';
import type { PemBlock } from './pem-text.js';
import { quote, type ValidationReport } from './validation-report.js';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  ParsedCertificate,
} from './x509.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_RSA_BITS = 2048;
const EXPIRY_WARNING_MS = 30 * 24 * 60 * 60 * 1000;
// md2, md4 and md5 with RSA, and SHA-1 with DSA: @peculiar/x509 names these by OID only.
const WEAK_SIGNATURE_OIDS = new Set([
  '1.2.840.113549.1.1.2',
  '1.2.840.113549.1.1.3',
  '1.2.840.113549.1.1.4',
  '1.2.840.10040.4.3',
]);

/** A certificate of the bundle with the facts the checks need. */
export interface BundleCertificate {
  /** 1-based position of its block in the input. */
  position: number;
  /** How messages name it: position and subject. */
  name: string;
  der: Buffer;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  selfSigned: boolean;
  /** basicConstraints cA is true. */
  isCa: boolean;
  /** basicConstraints pathLenConstraint, when set. */
  pathLength: number | undefined;
  /** keyUsage allows keyCertSign; true when the extension is absent. */
  mayCertSign: boolean;
  weakSignature: boolean;
}

/** Decodes and parses one CERTIFICATE block; undefined (with an error) when it is damaged. */
export function parseCertificate(block: PemBlock, pointer: string, report: ValidationReport) {
  const base64 = block.body.replace(/\s+/g, '');
  if (!BASE64.test(base64)) {
    const hint = block.body.includes('\\n')
      ? ' It holds the two characters \\n where line breaks belong: send real line breaks.'
      : '';
    report.error(
      pointer,
      'PEM_BASE64_INVALID',
      `Block ${block.position} is not valid base64.${hint}`,
    );
    return undefined;
  }
  const der = Buffer.from(base64, 'base64');
  const certificate = readCertificate(block.position, der);
  if (certificate === undefined) {
    report.error(
      pointer,
      'PEM_CERTIFICATE_INVALID',
      `Certificate ${block.position} does not ` +
        'hold one valid X.509 certificate; copy it again from its source.',
    );
  }
  return certificate;
}

function readCertificate(position: number, der: Buffer): BundleCertificate | undefined {
  try {
    const x509 = new X509Certificate(der);
    if (x509.raw.length !== der.length) return undefined;
    const parsed = new ParsedCertificate(der);
    const usage = parsed.getExtension(KeyUsagesExtension);
    // node's X509Certificate.ca also folds in keyUsage; the two problems are reported apart.
    const constraints = parsed.getExtension(BasicConstraintsExtension);
    const selfSigned = x509.subject === x509.issuer && verifies(x509, x509.publicKey);
    return {
      position,
      name: `certificate ${position} (subject ${quote(parsed.subject)})`,
      der,
      x509,
      subject: parsed.subject,
      issuer: parsed.issuer,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      selfSigned,
      isCa: constraints?.ca === true,
      pathLength: constraints?.pathLength,
      mayCertSign: usage === null || (usage.usages & KeyUsageFlags.keyCertSign) !== 0,
      weakSignature: isWeakSignature(parsed.signatureAlgorithm),
    };
  } catch {
    return undefined;
  }
}

function isWeakSignature(algorithm: unknown): boolean {
  if (!isJsonObject(algorithm)) return false;
  const hash = algorithm.hash;
  if (isJsonObject(hash) && hash.name === 'SHA-1') return true;
  return typeof algorithm.name === 'string' && WEAK_SIGNATURE_OIDS.has(algorithm.name);
}

/** True when the signature of `certificate` verifies with `key`; false on any failure. */
export function verifies(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.verify(key);
  } catch {
    return false;
  }
}

/** Reports what is wrong with one certificate on its own, relative to `now`. */
export function checkCertificate(
  certificate: BundleCertificate,
  now: Date,
  pointer: string,
  report: ValidationReport,
): void {
  checkCaRole(certificate, pointer, report);
  checkValidity(certificate, now, pointer, report);
  checkStrength(certificate, pointer, report);
}

function checkCaRole(certificate: BundleCertificate, pointer: string, report: ValidationReport) {
  const name = capitalize(certificate.name);
  if (!certificate.isCa) {
    report.error(
      pointer,
      'PEM_NOT_CA',
      `${name} is not a CA certificate (basicConstraints cA ` +
        'is not true). A CA bundle holds only root and intermediate CAs: remove it.',
    );
  } else if (!certificate.mayCertSign) {
    report.error(
      pointer,
      'PEM_KEY_USAGE_NO_CERT_SIGN',
      `${name} has a keyUsage without ` +
        'keyCertSign, so it may not sign certificates; use a CA certificate that may.',
    );
  }
}

function checkStrength(certificate: BundleCertificate, pointer: string, report: ValidationReport) {
  const name = capitalize(certificate.name);
  const { asymmetricKeyType, asymmetricKeyDetails } = certificate.x509.publicKey;
  const bits = asymmetricKeyDetails?.modulusLength ?? 0;
  if ((asymmetricKeyType === 'rsa' || asymmetricKeyType === 'rsa-pss') && bits < MIN_RSA_BITS) {
    report.error(
      pointer,
      'PEM_KEY_TOO_SMALL',
      `${name} has a ${bits}-bit RSA key; TLS ` +
        'verifiers need at least 2048 bits. Reissue it with a larger key.',
    );
  }
  // A root is trusted as itself, not through its signature, so only the certificates below it
  // are held to the hash of theirs.
  if (certificate.weakSignature && !certificate.selfSigned) {
    report.error(
      pointer,
      'PEM_WEAK_SIGNATURE',
      `${name} is signed with MD5 or SHA-1, which ` +
        'TLS verifiers refuse; reissue it with SHA-256 or stronger.',
    );
  }
}

function checkValidity(
  { name, notBefore, notAfter }: BundleCertificate,
  now: Date,
  pointer: string,
  report: ValidationReport,
): void {
  if (notBefore.getTime() > now.getTime()) {
    report.error(
      pointer,
      'PEM_NOT_YET_VALID',
      `${capitalize(name)} is not valid before ${notBefore.toISOString()}; ` +
        'check the clock of the CA, or wait.',
    );
  }
  if (notAfter.getTime() < now.getTime()) {
    report.error(
      pointer,
      'PEM_EXPIRED',
      `${capitalize(name)} expired at ${notAfter.toISOString()}; give its renewed certificate.`,
    );
  } else if (notAfter.getTime() - now.getTime() < EXPIRY_WARNING_MS) {
    report.warn(
      pointer,
      'PEM_EXPIRES_SOON',
      `${capitalize(name)} expires at ${notAfter.toISOString()}, within 30 days; ` +
        'renew it before then.',
    );
  }
}

/** The facts about a certificate that are safe to store and show. */
export function summarize(certificate: BundleCertificate): CertificateSummary {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    fingerprint256: certificate.x509.fingerprint256,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    selfSigned: certificate.selfSigned,
  };
}

/** The canonical PEM of a certificate: base64 of its DER in 64-column lines, LF line ends. */
export function canonicalPem(certificate: BundleCertificate): string {
  const lines = certificate.der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Sentences start with a capital; names are built to sit mid-sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
