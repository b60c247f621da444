/**
 * The checks of one certificate of a CA bundle on its own: is it a CA, may it sign certificates,
 * is it valid now, are its key and signature strong enough for TLS verifiers.
 */
import { capitalize, type BundleCertificate } from './ca-certificate.js';
import type { ValidationReport } from './validation-report.js';

const MIN_RSA_BITS = 2048;
const EXPIRY_WARNING_MS = 30 * 24 * 60 * 60 * 1000;

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
