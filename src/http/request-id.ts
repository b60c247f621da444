/**
 * The id of a request: the caller's `X-Request-Id` when it is usable, else a fresh UUID. The id
 * is logged, audited, stored with an integration (which other callers can read) and sent to TSM,
 * so it must not be a credential: a caller who pastes its own key there by mistake must not
 * publish it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Request ids a caller may choose: short and printable, so they are safe in logs and headers. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** fastify's `genReqId`: the request's id, chosen from its own headers only. */
export function requestIdOf(request: { headers: IncomingHttpHeaders }): string {
  const given = request.headers['x-request-id'];
  const usable =
    typeof given === 'string' &&
    CALLER_REQUEST_ID.test(given) &&
    !overlapsCredential(given, request.headers.authorization);
  return usable ? given : randomUUID();
}

/**
 * The shortest text counted as a piece of a credential: caller keys have at least 16 characters,
 * and a shorter id found inside a key ("42", "run-8") is a coincidence, not a pasted key.
 */
const MIN_CREDENTIAL_PIECE = 16;

/**
 * True when the id and the credential of the same request's Authorization header (valid or not)
 * are equal, or one holds the other and the one held is at least MIN_CREDENTIAL_PIECE long,
 * letter case aside. Only this request's own header is compared, never the configured keys, so
 * refusing an id tells the sender nothing it did not send itself.
 */
function overlapsCredential(id: string, authorization: string | undefined): boolean {
  if (authorization === undefined) return false;
  const lowerId = id.toLowerCase();
  return credentialsIn(authorization).some((credential) => {
    const lowerCredential = credential.toLowerCase();
    if (lowerId === lowerCredential) return true;
    const [shorter, longer] =
      lowerId.length < lowerCredential.length
        ? [lowerId, lowerCredential]
        : [lowerCredential, lowerId];
    return shorter.length >= MIN_CREDENTIAL_PIECE && longer.includes(shorter);
  });
}

/** The words of an Authorization header after its scheme (`Bearer`), or the word it is alone. */
function credentialsIn(authorization: string): string[] {
  const words = authorization.split(/\s+/).filter((word) => word !== '');
  return words.length > 1 ? words.slice(1) : words;
}
