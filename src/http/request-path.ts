/**
 * The request's path as the service repeats it: in a problem's `instance` and `detail`, and in
 * the audit trail. A caller can put anything in a URL, a pasted private key included, so the path
 * is bounded and keys are removed. Answers and the audit trail differ on one point: only the
 * audit trail is scrubbed of the configured secrets. An answer scrubbed of them would tell an
 * unauthenticated sender which of their guesses is a caller key or the TSM token.
 */
import type { FastifyRequest } from 'fastify';
import { scrubPrivateKeys, scrubSecrets } from '../logger.js';

/** Longest path kept in an audit record or a problem's `instance`. */
const MAX_PATH_LENGTH = 256;

/** The path as an answer echoes it: the caller's own input, bounded, private keys removed. */
export function echoedPath(request: FastifyRequest): string {
  return bounded(scrubPrivateKeys(pathOf(request)));
}

/** The path as the audit trail keeps it: also free of the configured secrets. */
export function auditedPath(request: FastifyRequest, secrets: readonly string[]): string {
  return bounded(scrubSecrets(pathOf(request), secrets));
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}

// Bounded after scrubbing: a cut through a key would leave a part that no longer looks like one.
function bounded(path: string): string {
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}
