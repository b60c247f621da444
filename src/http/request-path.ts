/**
 * The request's path as the service repeats it: in a problem's `instance` and `detail`, and in
 * the audit trail. A caller can put anything in a URL, a pasted private key included, so the path
 * is bounded and keys are removed. Neither may depend on the configured secrets: an answer (or
 * a record) scrubbed of them would tell the sender which of their guesses is a caller key or the
 * TSM token. Answers echo the caller's own input; the audit trail keeps only its shape.
 */
import type { FastifyRequest } from 'fastify';
import { scrubPrivateKeys, scrubSecrets } from '../logger.js';
import { redactPrivateKeysInUrl } from '../redacted-url.js';

/** Longest path kept in an audit record or a problem's `instance`. */
const MAX_PATH_LENGTH = 256;

/**
 * The path as an answer echoes it: the caller's own input, bounded, and replaced whole when it
 * holds a private key in any encoding. The block scrub after it is a second guard only.
 */
export function echoedPath(request: FastifyRequest): string {
  return bounded(scrubPrivateKeys(redactPrivateKeysInUrl(pathOf(request))));
}

/**
 * The path as the audit trail keeps it, or null for a URL no route matches. It is the route's
 * template with each parameter filled in only when it has the form of an integration id (a UUID,
 * what an auditor needs to know); any other value stays the parameter's name, and the text of an
 * unmatched URL is not kept at all. So the record of a request does not depend on whether a value
 * in its URL is a configured secret, and a reader of the trail cannot test guesses by sending
 * them. The scrub of the configured secrets stays, for a secret that happens to be a UUID.
 */
export function auditedPath(request: FastifyRequest, secrets: readonly string[]): string | null {
  const template = request.routeOptions.url;
  if (template === undefined) return null;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const path = template.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name];
    return typeof value === 'string' && UUID.test(value) ? value : `{${name}}`;
  });
  return bounded(scrubSecrets(path, secrets));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}

// Bounded after scrubbing: a cut through a key would leave a part that no longer looks like one.
function bounded(path: string): string {
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}
