/**
 * Does Vault's issuing CA chain to a root the request trusts? Pure: the issuing CA, the chain
 * Vault serves and the trusted roots in, the path found (or where it broke) out. TSM hands the
 * bundle to the clusters as their root of trust, so a CA that does not chain to it signs
 * certificates nobody in the mesh will accept.
 */
import { issued, type VaultCertificate } from './vault-certificates.js';

/** Longest path followed: a guard against loops in crafted chains, far above real ones. */
const MAX_DEPTH = 10;

/**
 * trusted: the path reached `root`, a trusted root. untrusted: it reached a self-signed root
 * that is not trusted. broken: the issuer of `last` is in neither Vault's chain nor the bundle.
 */
export type ChainResult =
  | { kind: 'trusted'; path: VaultCertificate[]; root: VaultCertificate }
  | { kind: 'untrusted'; path: VaultCertificate[]; root: VaultCertificate }
  | { kind: 'broken'; path: VaultCertificate[]; last: VaultCertificate };

/**
 * Follows issuers from `issuing` through `intermediates` (Vault's ca_chain and the bundle) to a
 * root; a root is trusted when its fingerprint is among `roots`.
 */
export function chainOf(
  issuing: VaultCertificate,
  intermediates: VaultCertificate[],
  roots: VaultCertificate[],
): ChainResult {
  const trusted = new Set(roots.map((root) => root.seen.fingerprint256));
  const path: VaultCertificate[] = [issuing];
  let current = issuing;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    if (trusted.has(current.seen.fingerprint256)) return { kind: 'trusted', path, root: current };
    const trustedIssuer = roots.find((root) => issued(root, current));
    if (trustedIssuer !== undefined) {
      path.push(trustedIssuer);
      return { kind: 'trusted', path, root: trustedIssuer };
    }
    if (current.selfSigned) return { kind: 'untrusted', path, root: current };
    const parent = intermediates.find(
      (candidate) => !path.includes(candidate) && issued(candidate, current),
    );
    if (parent === undefined) return { kind: 'broken', path, last: current };
    path.push(parent);
    current = parent;
  }
  return { kind: 'broken', path, last: current };
}
