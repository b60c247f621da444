/**
 * The service's pino logger and its secret policy. Secrets are removed at the logger itself, so a
 * careless log call elsewhere still cannot leak them: known fields are redacted by path, and every
 * line is scrubbed of the configured secret values and of any PEM private key before it is written.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { decodeLeniently, redactPrivateKeysInUrl } from './redacted-url.js';

/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["csp-auth-token"]',
  'headers.authorization',
  'headers["csp-auth-token"]',
  '*.apiToken',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.key',
];

const PRIVATE_KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/gi;

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/i;

/**
 * A run of URL characters holding at least one percent escape: a URL, a path or a query value as
 * it appears in a log line or is echoed, cut at quotes, backslashes and whitespace (which end a
 * JSON string or an escape in a log line, and which a URL never holds raw).
 */
const PERCENT_ENCODED_RUN = /[^\s"'<>\\^`{|}]*%[0-9A-Fa-f]{2}[^\s"'<>\\^`{|}]*/g;

/**
 * How often a run is decoded in search of a key: a key encoded many times is still a key. The
 * request URL is checked more thoroughly by its serializer; this is the guard behind it.
 */
const MAX_DECODINGS = 10;

/**
 * Replaces every private key block in a text, written plainly or percent-encoded (as in a URL).
 * Only the key's shape is looked for, never a configured value: what this removes from an answer
 * tells the sender nothing about the service's secrets.
 */
export function scrubPrivateKeys(text: string): string {
  const scrubbed = text.replace(PRIVATE_KEY_BLOCK, REDACTED);
  if (!scrubbed.includes('%')) return scrubbed;
  return scrubbed.replace(PERCENT_ENCODED_RUN, scrubEncodedKey);
}

/**
 * A percent-encoded run with any private key in it redacted. Such a run is returned decoded,
 * the key replaced, and the rest re-encoded where it must be (control characters, quotes): where
 * the key ends cannot be found in the encoded form, and the decoded one keeps the URL readable.
 */
function scrubEncodedKey(run: string): string {
  let decoded = run;
  for (let round = 0; round < MAX_DECODINGS && /%[0-9A-Fa-f]{2}/.test(decoded); round += 1) {
    // `+` is a space in a query, the usual place of an encoded run.
    decoded = decodeLeniently(decoded.replace(/\+/g, ' '));
    if (PRIVATE_KEY_BEGIN.test(decoded))
      return reencode(decoded.replace(PRIVATE_KEY_BLOCK, REDACTED));
  }
  return run;
}

/** Percent-encodes what must not stand raw in a URL or a JSON string. */
function reencode(text: string): string {
  return text.replace(/[^\x21-\x7E]|["%\\]/gu, (char) => {
    const bytes = Buffer.from(char, 'utf8');
    return [...bytes]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join('');
  });
}

/**
 * Replaces every private key block (plain or percent-encoded) and every given secret value (plain
 * or percent-encoded) in a text. For logs and the audit store only: an answer scrubbed of the
 * configured secrets would tell its sender whether a guess was one of them.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = scrubPrivateKeys(text);
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (form.length > 0 && scrubbed.includes(form))
        scrubbed = scrubbed.split(form).join(REDACTED);
    }
  }
  return scrubbed;
}

export interface LoggerSettings {
  level: string;
  /** Values that must never appear in a line: TSM tokens, caller keys. */
  secrets: readonly string[];
  /** Where lines go; standard output when absent. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** pino options that apply the secret policy; fastify takes these as its logger. */
export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  const secrets = settings.secrets.filter((secret) => secret.length > 0);
  return {
    level: settings.level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    serializers: { req: requestSummary },
    hooks: { streamWrite: (line) => scrubSecrets(line, secrets) },
  };
}

/** The parts of a request that fastify reads when it logs one. */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number };
}

/**
 * A request as a log line shows it, with the fields of fastify's own summary; its URL's path or
 * query is replaced whole when it holds a private key (see redacted-url.ts), since the line scrub
 * can only find a key's body where its armor is next to it.
 */
function requestSummary(request: LoggedRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactPrivateKeysInUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host ?? request.headers?.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
    remotePort: request.socket?.remotePort,
  };
}

/** A logger with the secret policy applied. */
export function createLogger(settings: LoggerSettings): Logger {
  const options = loggerOptions(settings);
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
