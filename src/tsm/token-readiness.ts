/**
 * Whether TSM calls could get an access token now, for the readiness probe. A probe arrives every
 * few seconds from every orchestrator that watches the service, so the answer is kept for an
 * interval: within it no probe reaches CSP, and probes arriving together share one check. A token
 * still cached by the source answers without CSP at all.
 */
import type { AccessTokenSource } from './access-token.js';
import type { RetryTools } from './retry-policy.js';

/** An access token can be had, or why not. */
export type TokenCheck = { ok: true } | { ok: false; reason: string };

/** The request id the checks' exchanges carry to CSP. */
const CHECK_REQUEST_ID = 'readiness-check';

/** The longest one check may take: a probe must not hang on a slow CSP. */
export const TOKEN_CHECK_TIMEOUT_MS = 2_000;

/** A check of the token source, its answer reused for `intervalMs`. */
export function tokenReadiness(
  tokens: AccessTokenSource,
  tools: Pick<RetryTools, 'now'>,
  intervalMs: number,
): () => Promise<TokenCheck> {
  let last: { at: number; check: Promise<TokenCheck> } | undefined;
  return () => {
    const now = tools.now();
    if (last !== undefined && now - last.at < intervalMs) return last.check;
    const check = tokens
      .get({ requestId: CHECK_REQUEST_ID, deadline: now + TOKEN_CHECK_TIMEOUT_MS })
      .then((result): TokenCheck => (result.ok ? { ok: true } : reasonOf(result.failure)));
    last = { at: now, check };
    return check;
  };
}

function reasonOf(failure: { message: string }): TokenCheck {
  return { ok: false, reason: failure.message };
}
