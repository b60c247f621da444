/**
 * Prefer: respond-async (RFC 7240) on POST /vault-integrations, and the X-Callback-Url that may
 * come with it. A callback URL must start with an entry of CALLBACK_URL_ALLOWLIST (same origin,
 * path under the entry's), so that callers cannot make the service call anywhere they like.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../errors.js';

/** The header a respond-async caller names its callback URL in. */
export const CALLBACK_HEADER = 'x-callback-url';

/** What the caller asked for: undefined to wait for the answer, else run on and maybe call back. */
export function respondAsyncOf(
  headers: IncomingHttpHeaders,
  allowlist: URL[],
): { callbackUrl?: URL } | undefined {
  const wanted = preferences(headers.prefer).includes('respond-async');
  const header = headers[CALLBACK_HEADER];
  if (header === undefined) return wanted ? {} : undefined;
  if (!wanted) throw badCallback('Send X-Callback-Url only with Prefer: respond-async.');

  const text = Array.isArray(header) ? undefined : header;
  const url = text !== undefined && URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || url.username !== '' || url.password !== '') {
    throw badCallback('Send one absolute URL, without credentials in it.');
  }
  if (!allowlist.some((entry) => allows(entry, url))) {
    throw badCallback(
      allowlist.length === 0
        ? 'This service calls no callback URLs (CALLBACK_URL_ALLOWLIST is unset).'
        : 'The URL is not under one of the prefixes in CALLBACK_URL_ALLOWLIST; ask the ' +
            'operator for the allowed ones.',
    );
  }
  return { callbackUrl: url };
}

/** The preference tokens, lower case, without their parameters. */
function preferences(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : [header].flat();
  return values.flatMap((value) =>
    value.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase()),
  );
}

function allows(entry: URL, url: URL): boolean {
  return url.origin === entry.origin && url.pathname.startsWith(entry.pathname);
}

function badCallback(message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', 'The X-Callback-Url header is not valid.', {
    errors: [{ pointer: '/X-Callback-Url', in: 'header', code: 'INVALID_VALUE', message }],
  });
}
