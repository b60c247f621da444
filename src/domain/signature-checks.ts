/**
 * Signature verification under a budget. Without one, a bundle of many certificates with one
 * subject makes the chain search check each against each: fifty crafted certificates once held
 * the service for 17 seconds. Past the budget the bundle is refused as too complex instead.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';

// A certificate needs one check of its own signature, or one of its issuer's; the rest is room
// for roots being rotated and for issuers that carry no key identifiers.
const CHECKS_PER_CERTIFICATE = 4;

/** The signature checks one bundle may cost, spent one by one. */
export class SignatureChecks {
  private left: number;
  private refused = false;

  constructor(certificates: number) {
    this.left = certificates * CHECKS_PER_CERTIFICATE;
  }

  /** True once a check was refused because the budget was spent. */
  get exhausted(): boolean {
    return this.refused;
  }

  /** True when the signature of `certificate` verifies with `key`; false if not or if spent. */
  verifies(certificate: X509Certificate, key: KeyObject): boolean {
    if (this.left === 0) {
      this.refused = true;
      return false;
    }
    this.left -= 1;
    try {
      return certificate.verify(key);
    } catch {
      return false;
    }
  }
}
