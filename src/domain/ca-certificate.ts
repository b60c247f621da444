/**
 * One certificate of a CA bundle: decoded from its PEM block and parsed, its key judged before
 * it checks any signature. Parsing is left to node:crypto and @peculiar/x509; nothing here reads
 * ASN.1 by hand.
 */
import { X509Certificate } from 'node:crypto';
import { refuseKey } from './certificate-key.js';
import { isJsonObject } from './json-pointer.js';
import type { CertificateSummary } from './normalized-integration.js';
import type { PemBlock } from './pem-text.js';
import type { SignatureChecks } from './signature-checks.js';
import { quote, type ValidationReport } from './validation-report.js';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  ParsedCertificate,
  SubjectKeyIdentifierExtension,
} from './x509.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
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
  /** The subject key identifier in hex, when the certificate has one. */
  subjectKeyId: string | undefined;
  /** The key identifier of the authority key identifier in hex, when it has one. */
  authorityKeyId: string | undefined;
}

/** The DER a block's base64 decodes to; undefined when the base64 is damaged. */
export function decodeBlock(block: PemBlock): Buffer | undefined {
  const base64 = block.body.replace(/\s+/g, '');
  return BASE64.test(base64) ? Buffer.from(base64, 'base64') : undefined;
}

/**
 * Decodes and parses one CERTIFICATE block; undefined (with an error) when it is damaged or its
 * key is refused. A refused key is never used to check a signature.
 */
export function parseCertificate(
  block: PemBlock,
  pointer: string,
  report: ValidationReport,
  signatures: SignatureChecks,
): BundleCertificate | undefined {
  const der = decodeBlock(block);
  if (der === undefined) {
    reportBadBase64(block, pointer, report);
    return undefined;
  }
  const certificate = readCertificate(block.position, der);
  if (certificate === undefined) {
    report.error(
      pointer,
      'PEM_CERTIFICATE_INVALID',
      `Certificate ${block.position} does not ` +
        'hold one valid X.509 certificate; copy it again from its source.',
    );
    return undefined;
  }
  const refusal = refuseKey(certificate.x509.publicKey);
  if (refusal !== undefined) {
    report.error(pointer, refusal.code, `${capitalize(certificate.name)} has ${refusal.reason}.`);
    return undefined;
  }
  certificate.selfSigned = isSelfSigned(certificate, signatures);
  return certificate;
}

function reportBadBase64(block: PemBlock, pointer: string, report: ValidationReport): void {
  const hint = block.body.includes('\\n')
    ? ' It holds the two characters \\n where line breaks belong: send real line breaks.'
    : '';
  report.error(
    pointer,
    'PEM_BASE64_INVALID',
    `Block ${block.position} is not valid base64.${hint}`,
  );
}

/** What parsing a certificate yields, before it has a place in a bundle. */
type CertificateFacts = Omit<BundleCertificate, 'position' | 'name'>;

/**
 * Parsing with @peculiar/x509 costs about a millisecond of CPU a certificate, and callers send the
 * same roots and intermediates again and again (every mesh of one Vault). The facts depend on the
 * DER alone, so a bounded memo of them changes no answer; the oldest entry goes first.
 */
const parsedFacts = new Map<string, CertificateFacts | null>();
const MAX_REMEMBERED_CERTIFICATES = 256;

function readCertificate(position: number, der: Buffer): BundleCertificate | undefined {
  const key = der.toString('base64');
  let facts = parsedFacts.get(key);
  if (facts === undefined) {
    facts = parseFacts(der) ?? null;
    if (parsedFacts.size >= MAX_REMEMBERED_CERTIFICATES) {
      parsedFacts.delete(parsedFacts.keys().next().value as string);
    }
    parsedFacts.set(key, facts);
  }
  if (facts === null) return undefined;
  // A fresh object each time: parseCertificate fills selfSigned in on its copy.
  return { ...facts, position, name: `certificate ${position} (subject ${quote(facts.subject)})` };
}

function parseFacts(der: Buffer): CertificateFacts | undefined {
  try {
    const x509 = new X509Certificate(der);
    if (x509.raw.length !== der.length) return undefined;
    const parsed = new ParsedCertificate(der);
    const usage = parsed.getExtension(KeyUsagesExtension);
    // node's X509Certificate.ca also folds in keyUsage; the two problems are reported apart.
    const constraints = parsed.getExtension(BasicConstraintsExtension);
    return {
      der,
      x509,
      subject: parsed.subject,
      issuer: parsed.issuer,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      // Known only once the key has been judged fit to check a signature with.
      selfSigned: false,
      isCa: constraints?.ca === true,
      pathLength: constraints?.pathLength,
      mayCertSign: usage === null || (usage.usages & KeyUsageFlags.keyCertSign) !== 0,
      weakSignature: isWeakSignature(parsed.signatureAlgorithm),
      subjectKeyId: parsed.getExtension(SubjectKeyIdentifierExtension)?.keyId,
      authorityKeyId: parsed.getExtension(AuthorityKeyIdentifierExtension)?.keyId,
    };
  } catch {
    return undefined;
  }
}

function isSelfSigned(certificate: BundleCertificate, signatures: SignatureChecks): boolean {
  const { x509 } = certificate;
  if (x509.subject !== x509.issuer || !mayHaveIssued(certificate, certificate)) return false;
  return signatures.verifies(x509, x509.publicKey);
}

/**
 * False when key identifiers rule `issuer` out as the issuer of `certificate`: both carry one,
 * and they differ. Then no signature needs to be checked to know.
 */
export function mayHaveIssued(issuer: BundleCertificate, certificate: BundleCertificate): boolean {
  const { authorityKeyId } = certificate;
  const { subjectKeyId } = issuer;
  return (
    authorityKeyId === undefined || subjectKeyId === undefined || authorityKeyId === subjectKeyId
  );
}

function isWeakSignature(algorithm: unknown): boolean {
  if (!isJsonObject(algorithm)) return false;
  const hash = algorithm.hash;
  if (isJsonObject(hash) && hash.name === 'SHA-1') return true;
  return typeof algorithm.name === 'string' && WEAK_SIGNATURE_OIDS.has(algorithm.name);
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
