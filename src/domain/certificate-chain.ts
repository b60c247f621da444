/**
 * The certificates of a bundle as chains: every intermediate must chain, signature by signature,
 * to one of the self-signed roots of the bundle, within the path lengths its CAs allow. The
 * canonical order puts a certificate before its issuer: issuing CA first, roots last. Issuers
 * are looked for by name and key identifier, and signatures checked within a budget.
 */
import { capitalize, mayHaveIssued, type BundleCertificate } from './ca-certificate.js';
import type { SignatureChecks } from './signature-checks.js';
import { quote, type ValidationReport } from './validation-report.js';

/** Checks the chains of a bundle; returns its certificates in canonical order, or undefined. */
export function orderChains(
  certificates: BundleCertificate[],
  signatures: SignatureChecks,
  pointer: string,
  report: ValidationReport,
): BundleCertificate[] | undefined {
  if (!certificates.some((certificate) => certificate.selfSigned)) {
    report.error(
      pointer,
      'PEM_NO_ROOT',
      'The PEM holds no self-signed root certificate. Add ' +
        `the root CA that Vault's chain ends in${topIssuerHint(certificates)}.`,
    );
    return undefined;
  }
  const errorsBefore = report.errorCount;
  const issuers = findIssuers(certificates, signatures, pointer, report);
  if (issuers === undefined) return undefined;
  const depths = new Map<BundleCertificate, number>();
  for (const certificate of certificates) {
    const ancestors = ancestorsOf(certificate, issuers, pointer, report);
    if (ancestors === undefined) continue;
    depths.set(certificate, ancestors.length);
    checkPathLengths(certificate, ancestors, pointer, report);
  }
  if (report.errorCount > errorsBefore) return undefined;

  // Array.prototype.sort is stable, so certificates of equal depth keep their input order.
  return [...certificates].sort((a, b) => (depths.get(b) ?? 0) - (depths.get(a) ?? 0));
}

function topIssuerHint(certificates: BundleCertificate[]): string {
  const subjects = new Set(certificates.map((certificate) => certificate.subject));
  const top = certificates.find((certificate) => !subjects.has(certificate.issuer));
  return top === undefined ? '' : ` (${top.name} was issued by ${quote(top.issuer)})`;
}

/** The issuer of each certificate that is not a root; undefined when the budget ran out. */
function findIssuers(
  certificates: BundleCertificate[],
  signatures: SignatureChecks,
  pointer: string,
  report: ValidationReport,
): Map<BundleCertificate, BundleCertificate> | undefined {
  const issuers = new Map<BundleCertificate, BundleCertificate>();
  for (const certificate of certificates) {
    if (certificate.selfSigned) continue;
    const issuer = findIssuer(certificate, certificates, signatures, pointer, report);
    if (signatures.exhausted) {
      report.error(
        pointer,
        'PEM_TOO_COMPLEX',
        'Checking the chains of this PEM takes more signature checks than a CA bundle may cost ' +
          '(many certificates share a subject and no key identifiers tell them apart); keep ' +
          "only Vault's root and intermediate certificates.",
      );
      return undefined;
    }
    if (issuer !== undefined) issuers.set(certificate, issuer);
  }
  return issuers;
}

function findIssuer(
  certificate: BundleCertificate,
  certificates: BundleCertificate[],
  signatures: SignatureChecks,
  pointer: string,
  report: ValidationReport,
): BundleCertificate | undefined {
  const named = certificates.filter(
    (candidate) => candidate !== certificate && candidate.x509.subject === certificate.x509.issuer,
  );
  const candidates = named.filter((candidate) => mayHaveIssued(candidate, certificate));
  const issuer = candidates.find((candidate) =>
    signatures.verifies(certificate.x509, candidate.x509.publicKey),
  );
  if (issuer !== undefined || signatures.exhausted) return issuer;

  const [first] = candidates;
  if (first === undefined) {
    report.error(pointer, 'PEM_ISSUER_MISSING', missingIssuerMessage(certificate, named));
  } else {
    report.error(
      pointer,
      'PEM_SIGNATURE_INVALID',
      `The signature of ${certificate.name} does not verify with the key of ${first.name}, ` +
        'its issuer by name; the bundle holds the ' +
        'wrong issuer certificate (or a damaged one).',
    );
  }
  return undefined;
}

function missingIssuerMessage(certificate: BundleCertificate, named: BundleCertificate[]) {
  const issued = `${capitalize(certificate.name)} was issued by ${quote(certificate.issuer)}`;
  const advice = 'add that CA certificate so that the chain reaches a root.';
  if (named.length === 0) return `${issued}, which is not in the bundle; ${advice}`;
  return (
    `${issued} with the key identifier ${colonHex(certificate.authorityKeyId ?? '')}, and ` +
    `no certificate of that name in the bundle has that key (a root being rotated?); ${advice}`
  );
}

/** A key identifier as openssl prints it, e.g. 4F:1A:... */
function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/** The issuers of a certificate up to its root, nearest first; undefined when the walk fails. */
function ancestorsOf(
  certificate: BundleCertificate,
  issuers: Map<BundleCertificate, BundleCertificate>,
  pointer: string,
  report: ValidationReport,
): BundleCertificate[] | undefined {
  const ancestors: BundleCertificate[] = [];
  for (let current = certificate; !current.selfSigned;) {
    const issuer = issuers.get(current);
    // A missing link was reported where it breaks; the certificates below it are not at fault.
    if (issuer === undefined) return undefined;
    if (issuer === certificate) {
      report.error(
        pointer,
        'PEM_ISSUER_MISSING',
        `${capitalize(certificate.name)} is part of ` +
          'a loop of CAs that issued each other and does not chain to a self-signed root; ' +
          'add the root.',
      );
      return undefined;
    }
    if (ancestors.includes(issuer)) return undefined;
    ancestors.push(issuer);
    current = issuer;
  }
  return ancestors;
}

function checkPathLengths(
  certificate: BundleCertificate,
  ancestors: BundleCertificate[],
  pointer: string,
  report: ValidationReport,
): void {
  // Below ancestors[k] sit k + 1 CA certificates of the bundle (this one included); its
  // pathLenConstraint caps how many may follow it before the end-entity certificate.
  const index = ancestors.findIndex(
    (ancestor, k) => ancestor.pathLength !== undefined && k + 1 > ancestor.pathLength,
  );
  const constraining = ancestors[index];
  if (constraining === undefined) return;
  report.error(
    pointer,
    'PEM_PATH_LENGTH_EXCEEDED',
    `${capitalize(certificate.name)} is ${index + 1} CA level(s) below ${constraining.name}, ` +
      `whose pathLenConstraint allows ${constraining.pathLength}; a TLS verifier would refuse ` +
      'this chain.',
  );
}
