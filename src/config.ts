/**
 * The service's configuration: read from the environment against one TypeBox schema
 * (environment-schema.ts), the type derived from it, and start-up refused with a message naming
 * each variable at fault.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EnvironmentSchema } from './environment-schema.js';
import type { PostgresSettings } from './storage/postgres-database.js';

export { EnvironmentSchema };

type Environment = Static<typeof EnvironmentSchema>;

/** A caller key: the name is the actor recorded in the audit trail. */
export interface ApiKey {
  name: string;
  key: string;
}

/** The configuration the service runs with, derived from the environment. */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  /** How the store uses PostgreSQL; SQLite ignores it. */
  postgres: PostgresSettings;
  tsmUrl: string;
  cspUrl: string;
  tsmCredentials:
    { kind: 'api-token'; apiToken: string } | { kind: 'access-token'; accessToken: string };
  apiKeys: ApiKey[];
  authDisabled: boolean;
  allowHttpVault: boolean;
  logLevel: string;
  retry: {
    maxAttempts: number;
    attemptTimeoutMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
  };
  integrationDeadlineMs: number;
  leaseMs: number;
  recoveryIntervalMs: number;
  idempotencyKeyTtlMs: number;
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  /** Whether /metrics is served without a caller key. */
  metricsPublic: boolean;
  /** How long /readyz reuses its access token check. */
  tokenCheckIntervalMs: number;
}

/** Thrown when the environment is wrong; the message names each variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every secret value of the configuration, for the logger to scrub from its lines. */
export function secretValues(config: Config): string[] {
  const credentials = config.tsmCredentials;
  const token = credentials.kind === 'api-token' ? credentials.apiToken : credentials.accessToken;
  return [token, ...config.apiKeys.map((apiKey) => apiKey.key), ...databasePassword(config)];
}

/** Shorter passwords are left out: scrubbing them would blank ordinary words in every line. */
const MIN_SCRUBBED_PASSWORD_LENGTH = 8;

function databasePassword(config: Config): string[] {
  if (!/^postgres(ql)?:/i.test(config.databaseUrl)) return [];
  try {
    const password = decodeURIComponent(new URL(config.databaseUrl).password);
    return password.length >= MIN_SCRUBBED_PASSWORD_LENGTH ? [password] : [];
  } catch {
    return [];
  }
}

const SECRET_VARIABLES = new Set(['TSM_API_TOKEN', 'TSM_ACCESS_TOKEN', 'API_KEYS']);
const KEY_NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const MIN_KEY_LENGTH = 16;
const WHOLE_NUMBER = /^[0-9]+$/;

/** Reads and checks the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = pickDefined(env, Object.keys(EnvironmentSchema.properties));
  // Default fills in its argument: a copy keeps `raw` as the operator wrote it.
  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, { ...raw }));
  const problems = schemaProblems(raw, converted);

  // The rules across variables run even when some variable is malformed, so that one start-up
  // reports every problem; a malformed value is already reported and is not checked again.
  const config = toConfig(converted as Environment, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** One problem per variable at fault: the first found is the one worth fixing first. */
function schemaProblems(raw: Record<string, string>, converted: unknown): string[] {
  const byVariable = new Map<string, string>();
  const properties: Record<string, TSchema> = EnvironmentSchema.properties;
  for (const [name, value] of Object.entries(raw)) {
    // TypeBox converts "1.5", "1e3" and "true" to integers; a typo must not become a setting.
    const schema = properties[name];
    if (schema?.type === 'integer' && !WHOLE_NUMBER.test(value.trim())) {
      byVariable.set(name, describeError(name, 'expected a whole number', schema));
    }
  }
  for (const error of Value.Errors(EnvironmentSchema, converted)) {
    const variable = error.path.replace(/^\//, '') || '(environment)';
    if (!byVariable.has(variable)) {
      byVariable.set(variable, describeError(variable, error.message, error.schema));
    }
  }
  return [...byVariable.values()];
}

function toConfig(values: Environment, problems: string[]): Config {
  const apiKeys = parseApiKeys(values.API_KEYS ?? '', problems);
  const authDisabled = values.AUTH_DISABLED === 'true';
  if (values.API_KEYS === undefined && !authDisabled) {
    problems.push('API_KEYS: set at least one name=key pair, or AUTH_DISABLED=true for local use.');
  }
  if (values.TSM_BACKOFF_MAX_MS < values.TSM_BACKOFF_BASE_MS) {
    problems.push('TSM_BACKOFF_MAX_MS: must not be smaller than TSM_BACKOFF_BASE_MS.');
  }
  return {
    host: values.HOST,
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    postgres: {
      poolMax: values.DATABASE_POOL_MAX,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      connectionTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
    },
    tsmUrl: withoutTrailingSlashes(values.TSM_URL),
    cspUrl: withoutTrailingSlashes(values.CSP_URL),
    tsmCredentials: tsmCredentials(values, problems),
    apiKeys,
    authDisabled,
    allowHttpVault: values.ALLOW_HTTP_VAULT === 'true',
    logLevel: values.LOG_LEVEL,
    retry: {
      maxAttempts: values.TSM_MAX_ATTEMPTS,
      attemptTimeoutMs: values.TSM_ATTEMPT_TIMEOUT_MS,
      backoffBaseMs: values.TSM_BACKOFF_BASE_MS,
      backoffMaxMs: values.TSM_BACKOFF_MAX_MS,
    },
    integrationDeadlineMs: values.INTEGRATION_DEADLINE_MS,
    leaseMs: values.LEASE_DURATION_MS,
    recoveryIntervalMs: values.RECOVERY_INTERVAL_MS,
    idempotencyKeyTtlMs: values.IDEMPOTENCY_KEY_TTL_MS,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    metricsPublic: values.METRICS_PUBLIC === 'true',
    tokenCheckIntervalMs: values.READYZ_TOKEN_CHECK_MS,
  };
}

function tsmCredentials(values: Environment, problems: string[]): Config['tsmCredentials'] {
  if (values.TSM_API_TOKEN !== undefined && values.TSM_ACCESS_TOKEN !== undefined) {
    problems.push('TSM_API_TOKEN, TSM_ACCESS_TOKEN: set one of them, not both.');
  }
  if (values.TSM_API_TOKEN !== undefined)
    return { kind: 'api-token', apiToken: values.TSM_API_TOKEN };
  if (values.TSM_ACCESS_TOKEN !== undefined) {
    return { kind: 'access-token', accessToken: values.TSM_ACCESS_TOKEN };
  }
  problems.push('TSM_API_TOKEN: set it (or TSM_ACCESS_TOKEN) so the service can call TSM.');
  return { kind: 'access-token', accessToken: '' };
}

function parseApiKeys(text: string, problems: string[]): ApiKey[] {
  const keys: ApiKey[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf('=');
    const name = separator > 0 ? entry.slice(0, separator).trim() : '';
    const key = separator > 0 ? entry.slice(separator + 1).trim() : '';
    // Entries are named by position, never by name or key: configuration errors end up in logs,
    // and a pair written the wrong way round (key=name) puts the key where the name belongs.
    const at = `API_KEYS: entry ${index + 1}`;
    if (!KEY_NAME.test(name)) {
      problems.push(
        `${at} needs the form name=key, the name made of letters, digits, ".", "_", "-" or "@".`,
      );
    } else if (key.length < MIN_KEY_LENGTH) {
      problems.push(`${at} has a key shorter than ${MIN_KEY_LENGTH} characters.`);
    } else if (keys.some((existing) => existing.name === name)) {
      problems.push(`${at} repeats the name of an earlier entry.`);
    } else {
      keys.push({ name, key });
    }
  });
  return keys;
}

function describeError(variable: string, message: string, schema: TSchema): string {
  const description = typeof schema.description === 'string' ? ` (${schema.description})` : '';
  const choices = literalChoices(schema);
  let hint = message.toLowerCase();
  if (SECRET_VARIABLES.has(variable)) hint = 'is not valid';
  else if (choices !== undefined) hint = `must be one of ${choices.join(', ')}`;
  return `${variable}: ${hint}${description}`;
}

/** The values a union of string literals allows, or undefined for any other schema. */
function literalChoices(schema: TSchema): string[] | undefined {
  const options: unknown = schema.anyOf;
  if (!Array.isArray(options)) return undefined;
  const values = options.map((option: TSchema): unknown => option.const);
  return values.every((value): value is string => typeof value === 'string') ? values : undefined;
}

/** A URL without trailing slashes; a missing one stays missing (it is reported already). */
function withoutTrailingSlashes(url: string | undefined): string {
  return (url ?? '').replace(/\/+$/, '');
}

function pickDefined(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}
