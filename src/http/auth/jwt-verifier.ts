/**
 * Bearer tokens from the organization's identity provider, checked by jose against the provider's
 * key set (fetched from JWT_JWKS_URL and cached): signature, issuer, audience, expiry and
 * not-before within the configured clock skew. The caller is named "jwt:<sub>", which no API key
 * name can be (names hold no ":"), so a token cannot pass itself off as an automation's key.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtSettings } from '../../caller-settings.js';
import { isScope, type Scope } from './scopes.js';

/** A caller whose credential was accepted. */
export interface Caller {
  actor: string;
  scopes: Scope[];
}

/** What checking a token ends in. `unavailable`: the key set could not be fetched. */
export type TokenCheck =
  | { kind: 'accepted'; caller: Caller }
  | { kind: 'refused'; detail: string; reason: string }
  | { kind: 'unavailable' };

/** Checks one compact JWT. */
export type TokenVerifier = (token: string) => Promise<TokenCheck>;

/** How long one fetch of the key set may take before the token is answered 503. */
const JWKS_TIMEOUT_MS = 5_000;

/** A verifier bound to one identity provider; its key set is fetched on first use. */
export function createTokenVerifier(settings: JwtSettings): TokenVerifier {
  const keySet = createRemoteJWKSet(new URL(settings.jwksUrl), {
    timeoutDuration: JWKS_TIMEOUT_MS,
  });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockSkewSeconds,
        // A token without exp would be good forever; one without sub names nobody.
        requiredClaims: ['exp', 'sub'],
      });
      return { kind: 'accepted', caller: callerOf(payload, settings.scopesClaim) };
    } catch (error) {
      return refusalOf(error);
    }
  };
}

function callerOf(payload: JWTPayload, scopesClaim: string): Caller {
  const claim = payload[scopesClaim];
  const names = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim : [];
  // Scopes of other services share the claim; only this service's own count.
  const scopes = names.filter((name): name is Scope => typeof name === 'string' && isScope(name));
  return { actor: `jwt:${payload.sub ?? ''}`, scopes: [...new Set(scopes)] };
}

/** Errors that say the key set could not be had, rather than that the token is bad. */
const UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

function refusalOf(error: unknown): TokenCheck {
  if (!(error instanceof errors.JOSEError) || UNAVAILABLE.has(error.code)) {
    return { kind: 'unavailable' };
  }
  const reason = error.code;
  if (error instanceof errors.JWTExpired) {
    return { kind: 'refused', reason, detail: 'The token has expired; get a new one.' };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { kind: 'refused', reason, detail: CLAIM_DETAILS[error.claim] ?? INVALID_CLAIM };
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey
  ) {
    return { kind: 'refused', reason, detail: BAD_SIGNATURE };
  }
  return { kind: 'refused', reason, detail: 'The token is not a valid signed JWT.' };
}

const BAD_SIGNATURE = "The token's signature does not verify with the identity provider's keys.";
const INVALID_CLAIM = 'A claim of the token is not valid.';
const CLAIM_DETAILS: Record<string, string> = {
  iss: 'The token comes from another issuer than the one this service trusts.',
  aud: 'The token is meant for another audience than this service.',
  nbf: 'The token is not valid yet.',
  exp: 'The token has no exp claim; only tokens that expire are accepted.',
  sub: 'The token has no sub claim to name the caller.',
};
