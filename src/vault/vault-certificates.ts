/**
 * Certificates as the preflight meets them: in Vault's answers, in the TLS handshake and in the
 * CA bundle. Parsed with node:crypto (signatures, fingerprints) and @peculiar/x509 (subjects
 * printed the way the rest of the service prints them).
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { ParsedCertificate } from '../domain/x509.js';
import type { SeenCertificate } from './preflight-report.js';

/** Most certificates read from one PEM answer: Vault's chains are a handful long. */
const MAX_CERTIFICATES = 20;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A certificate with what the chain search needs. */
export interface VaultCertificate {
  x509: X509Certificate;
  seen: SeenCertificate;
  selfSigned: boolean;
}

/** The certificate of one DER encoding, or undefined when it does not parse. */
export function certificateOfDer(der: Buffer): VaultCertificate | undefined {
  try {
    const x509 = new X509Certificate(der);
    const parsed = new ParsedCertificate(der);
    return {
      x509,
      seen: {
        subject: parsed.subject,
        issuer: parsed.issuer,
        fingerprint256: x509.fingerprint256,
        notAfter: parsed.notAfter.toISOString(),
      },
      selfSigned: x509.checkIssued(x509) && verifies(x509, x509),
    };
  } catch {
    return undefined;
  }
}

/** The certificates of a PEM text, in order; blocks that do not parse are left out. */
export function certificatesOfPem(text: string): VaultCertificate[] {
  const blocks = (text.match(PEM_BLOCK) ?? []).slice(0, MAX_CERTIFICATES);
  return blocks.flatMap((block) => {
    const base64 = block.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const certificate = certificateOfDer(Buffer.from(base64, 'base64'));
    return certificate === undefined ? [] : [certificate];
  });
}

let systemRoots: VaultCertificate[] | undefined;

/** Node's bundled public roots, parsed once: the roots TLS trusts when there is no bundle. */
export function publicRoots(): VaultCertificate[] {
  systemRoots ??= rootCertificates.flatMap((pem) => certificatesOfPem(pem));
  return systemRoots;
}

/** True when `issuer` issued `certificate`: names match and the signature verifies. */
export function issued(issuer: VaultCertificate, certificate: VaultCertificate): boolean {
  return certificate.x509.checkIssued(issuer.x509) && verifies(certificate.x509, issuer.x509);
}

/** How a message names a certificate: its subject and fingerprint. */
export function describeCertificate(certificate: SeenCertificate): string {
  return `"${certificate.subject}" (SHA-256 ${certificate.fingerprint256})`;
}

function verifies(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
