/**
 * The service's configuration: read from the environment against one TypeBox schema
 * (environment-schema.ts), the type derived from it, and start-up refused with a message naming
 * each variable at fault.
 */
import { createHash } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  apiKeysFromFile,
  corsOrigins,
  jwtSettings,
  JWT_SHAPE,
  KEY_NAME,
  secretSetting,
  type ApiKey,
  type JwtSettings,
} from './caller-settings.js';
import { EnvironmentSchema } from './environment-schema.js';
import { isScope, SCOPES, type Scope } from './http/auth/scopes.js';
import { databaseFolderProblem } from './storage/database-folder.js';
import type { PostgresSettings } from './storage/postgres-database.js';
import type { PreflightMode } from './vault/preflight-report.js';

export { EnvironmentSchema };
export type { ApiKey, JwtSettings };

type Environment = Static<typeof EnvironmentSchema>;

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
  /** Loopback Vault URLs, in validation and in the preflight: a local test Vault only. */
  allowLoopbackVault: boolean;
  /** Where a respond-async caller may be notified at the end; empty: nowhere. */
  callbackAllowlist: URL[];
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
  /** Bearer tokens of the identity provider; undefined when only API keys are accepted. */
  jwt: JwtSettings | undefined;
  /** Writes one caller may make per minute. */
  rateLimitPerMinute: number;
  /** Browser origins allowed by CORS; empty: no CORS headers at all. */
  corsOrigins: string[];
  /** The Vault preflight: the service's mode (a floor for requests) and each check's bound. */
  vaultPreflight: { mode: PreflightMode; timeoutMs: number };
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
  const plainKeys = config.apiKeys.flatMap((apiKey) =>
    apiKey.key === undefined ? [] : [apiKey.key],
  );
  return [token, ...plainKeys, ...databasePassword(config)];
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
  const apiKeys = callerKeys(values, problems);
  const jwt = jwtSettings(values, problems);
  const authDisabled = values.AUTH_DISABLED === 'true';
  const noWayIn = values.API_KEYS === undefined && values.API_KEYS_FILE === undefined;
  if (noWayIn && jwt === undefined && !authDisabled) {
    problems.push(
      'API_KEYS: set at least one name=key pair (or API_KEYS_FILE, or JWT_JWKS_URL), ' +
        'or AUTH_DISABLED=true for local use.',
    );
  }
  const folderProblem = databaseFolderProblem(values.DATABASE_URL);
  if (folderProblem !== undefined) problems.push(folderProblem);
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
    allowLoopbackVault: values.VAULT_ALLOW_LOOPBACK === 'true',
    callbackAllowlist: parseCallbackAllowlist(values.CALLBACK_URL_ALLOWLIST ?? '', problems),
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
    jwt,
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    corsOrigins: corsOrigins(values.CORS_ORIGINS ?? '', problems),
    vaultPreflight: { mode: values.VAULT_PREFLIGHT, timeoutMs: values.VAULT_PREFLIGHT_TIMEOUT_MS },
    metricsPublic: values.METRICS_PUBLIC === 'true',
    tokenCheckIntervalMs: values.READYZ_TOKEN_CHECK_MS,
  };
}

/** The allow-list's entries as URLs; an entry that is not an http(s) URL is a problem. */
function parseCallbackAllowlist(text: string, problems: string[]): URL[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const urls: URL[] = [];
  for (const entry of entries) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.username !== '') {
      problems.push(
        `CALLBACK_URL_ALLOWLIST: "${entry}" is not an http(s) URL prefix such as ` +
          'https://hooks.example.com/tsm/.',
      );
    } else urls.push(url);
  }
  return urls;
}

/** The keys of API_KEYS and API_KEYS_FILE together; a name may appear only once in both. */
function callerKeys(values: Environment, problems: string[]): ApiKey[] {
  const plain = parseApiKeys(values.API_KEYS ?? '', problems);
  const hashed =
    values.API_KEYS_FILE === undefined ? [] : apiKeysFromFile(values.API_KEYS_FILE, problems);
  const names = new Set<string>();
  for (const { name } of [...plain, ...hashed]) {
    if (names.has(name)) {
      problems.push('API_KEYS_FILE: an entry repeats the name of an earlier one or of API_KEYS.');
    }
    names.add(name);
  }
  return [...plain, ...hashed];
}

function tsmCredentials(values: Environment, problems: string[]): Config['tsmCredentials'] {
  const apiToken = secretSetting('TSM_API_TOKEN', values, problems);
  const accessToken = secretSetting('TSM_ACCESS_TOKEN', values, problems);
  if (apiToken !== undefined && accessToken !== undefined) {
    problems.push('TSM_API_TOKEN, TSM_ACCESS_TOKEN: set one of them, not both.');
  }
  if (apiToken !== undefined) return { kind: 'api-token', apiToken };
  if (accessToken !== undefined) return { kind: 'access-token', accessToken };
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
    const { name, scopes } = nameAndScopes(separator > 0 ? entry.slice(0, separator).trim() : '');
    const key = separator > 0 ? entry.slice(separator + 1).trim() : '';
    // Entries are named by position, never by name or key: configuration errors end up in logs,
    // and a pair written the wrong way round (key=name) puts the key where the name belongs.
    const at = `API_KEYS: entry ${index + 1}`;
    if (!KEY_NAME.test(name)) {
      problems.push(
        `${at} needs the form name=key, the name made of letters, digits, ".", "_", "-" or "@".`,
      );
    } else if (scopes === undefined) {
      problems.push(`${at} lists scopes other than ${SCOPES.join(', ')} in name[scope+scope]=key.`);
    } else if (key.length < MIN_KEY_LENGTH) {
      problems.push(`${at} has a key shorter than ${MIN_KEY_LENGTH} characters.`);
    } else if (JWT_SHAPE.test(key)) {
      problems.push(
        `${at} has a key shaped like a JWT (three parts joined by dots); pick another.`,
      );
    } else if (keys.some((existing) => existing.name === name)) {
      problems.push(`${at} repeats the name of an earlier entry.`);
    } else {
      keys.push({
        name,
        sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
        scopes,
        key,
      });
    }
  });
  return keys;
}

/**
 * `name` (every scope, as before scopes existed) or `name[scope+scope]`; the scopes are undefined
 * when one of them is not a scope of this service.
 */
function nameAndScopes(text: string): { name: string; scopes: Scope[] | undefined } {
  const match = /^([^[\]]*)\[([^\]]*)\]$/.exec(text);
  if (match === null) return { name: text, scopes: [...SCOPES] };
  const listed = (match[2] ?? '').split('+').map((scope) => scope.trim());
  const scopes = listed.every(isScope) && listed.length > 0 ? [...new Set(listed)] : undefined;
  return { name: (match[1] ?? '').trim(), scopes };
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
