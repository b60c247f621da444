/**
 * The certificates of a bundle as chains: every intermediate must chain, signature by signature,
 * to one of the self-signed roots of the bundle, within the path lengths its CAs allow. The
 * canonical order puts a certificate before its issuer: issuing CA first, roots last.
 */
import { capitalize, verifies, type BundleCertificate } from './ca-certificate.js';
import { quote, type ValidationReport } from './validation-report.js';

/** Checks the chains of a bundle; returns its certificates in canonical order, or undefined. */
export function orderChains(
  certificates: BundleCertificate[],
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
  const issuers = new Map<BundleCertificate, BundleCertificate>();
  for (const certificate of certificates) {
    if (certificate.selfSigned) continue;
    const issuer = findIssuer(certificate, certificates, pointer, report);
    if (issuer !== undefined) issuers.set(certificate, issuer);
  }
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

function findIssuer(
  certificate: BundleCertificate,
  certificates: BundleCertificate[],
  pointer: string,
  report: ValidationReport,
): BundleCertificate | undefined {
  const named = certificates.filter(
    (candidate) => candidate !== certificate && candidate.x509.subject === certificate.x509.issuer,
  );
  const issuer = named.find((candidate) => verifies(certificate.x509, candidate.x509.publicKey));
  if (issuer !== undefined) return issuer;

  const [first] = named;
  if (first === undefined) {
    report.error(
      pointer,
      'PEM_ISSUER_MISSING',
      `${capitalize(certificate.name)} was issued by ${quote(certificate.issuer)}, ` +
        'which is not in the bundle; add that CA certificate so ' +
        'that the chain reaches a root.',
    );
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
