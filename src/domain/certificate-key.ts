/**
 * The public key of a CA certificate, judged before any signature is checked with it. Only keys
 * that the mesh's TLS stacks verify pass, and with them the cost of one check stays within a few
 * milliseconds: a 3072-bit RSA key with a 3072-bit exponent costs about 10 ms a check, and a
 * 10,000-bit DSA key about 20 ms, which a crafted bundle multiplies into seconds.
 */
import type { KeyObject } from 'node:crypto';

// Go's crypto/rsa (the mesh's control plane) refuses exponents over 2^31 - 1 and Windows keeps
// them in 32 bits; real CA keys use 65537. Up to 32 bits, a check costs at most twice as much.
const RSA_EXPONENT_LIMIT = 2n ** 32n;
// P-224, P-256, P-384 and P-521 as OpenSSL names them: the curves Go and BoringSSL verify.
const NAMED_CURVES = new Set(['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1']);

/** Why a certificate's key is refused, worded to follow "has". */
export interface KeyRefusal {
  code: 'PEM_RSA_EXPONENT_TOO_LARGE' | 'PEM_KEY_UNSUPPORTED';
  reason: string;
}

/** Why the key cannot be used in the bundle, or undefined when it can. */
export function refuseKey(key: KeyObject): KeyRefusal | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'rsa' || type === 'rsa-pss') {
    const exponent = details?.publicExponent ?? 0n;
    if (exponent < RSA_EXPONENT_LIMIT) return undefined;
    return {
      code: 'PEM_RSA_EXPONENT_TOO_LARGE',
      reason:
        `an RSA public exponent of ${exponent.toString(2).length} bits; TLS verifiers such ` +
        "as Go's take at most 32 (CAs use 65537), and a larger one makes every signature " +
        'check slow. Reissue it with the exponent 65537',
    };
  }
  if (type === 'ed25519' || (type === 'ec' && NAMED_CURVES.has(details?.namedCurve ?? ''))) {
    return undefined;
  }
  return {
    code: 'PEM_KEY_UNSUPPORTED',
    reason:
      `${describe(type, details?.namedCurve)}, which the mesh cannot verify; it takes RSA, ` +
      'ECDSA on P-256, P-384 or P-521, and Ed25519 keys. Reissue it with one of those',
  };
}

function describe(type: string | undefined, curve: string | undefined): string {
  if (type === undefined) return 'a key of an unknown type';
  if (type !== 'ec') return `a key of type ${type}`;
  return curve === undefined ? 'an EC key with explicit curve parameters' : `an EC key on ${curve}`;
}
