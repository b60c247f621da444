/**
 * The service's pino logger and its secret policy. Secrets are removed at the logger itself, so a
 * careless log call elsewhere still cannot leak them: known fields are redacted by path, and every
 * line is scrubbed of the configured secret values and of any PEM private key before it is written.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

/** Replaces every private key block and every given secret value in a text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text.replace(PRIVATE_KEY_BLOCK, REDACTED);
  for (const secret of secrets) {
    if (secret.length > 0 && scrubbed.includes(secret))
      scrubbed = scrubbed.split(secret).join(REDACTED);
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
    hooks: { streamWrite: (line) => scrubSecrets(line, secrets) },
  };
}

/** A logger with the secret policy applied. */
export function createLogger(settings: LoggerSettings): Logger {
  const options = loggerOptions(settings);
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
