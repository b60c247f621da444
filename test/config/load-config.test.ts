/**
 * The configuration read from the environment: the defaults an operator gets, every variable
 * read, and a bad value refused with a message that names the variable and quotes no secret.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretValues } from '../../src/config.js';
import { SCOPES as ALL_SCOPES } from '../../src/http/auth/scopes.js';

const SCOPES = [...ALL_SCOPES];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const API_TOKEN = 'tsm-api-token-do-not-print-1';
const ACCESS_TOKEN = 'tsm-access-token-do-not-print-2';
const CALLER_KEY = 'caller-key-do-not-print-3';

/** The least an operator must set. */
const MINIMAL = { TSM_URL: 'https://tsm.example.com', TSM_API_TOKEN: API_TOKEN };
const WITH_KEYS = { ...MINIMAL, API_KEYS: `portal=${CALLER_KEY}` };

describe('loadConfig', () => {
  it('fills every unset variable with its documented default', () => {
    const config = loadConfig(WITH_KEYS);

    expect(config).toEqual({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: './data/vault-integrations.db',
      postgres: { poolMax: 10, statementTimeoutMs: 5_000, connectionTimeoutMs: 5_000 },
      tsmUrl: 'https://tsm.example.com',
      cspUrl: 'https://console.cloud.vmware.com',
      tsmCredentials: { kind: 'api-token', apiToken: API_TOKEN },
      apiKeys: [{ name: 'portal', key: CALLER_KEY, sha256: sha256(CALLER_KEY), scopes: SCOPES }],
      authDisabled: false,
      allowHttpVault: false,
      allowLoopbackVault: false,
      callbackAllowlist: [],
      logLevel: 'info',
      retry: { maxAttempts: 5, attemptTimeoutMs: 10_000, backoffBaseMs: 200, backoffMaxMs: 5_000 },
      integrationDeadlineMs: 60_000,
      leaseMs: 30_000,
      recoveryIntervalMs: 10_000,
      idempotencyKeyTtlMs: 86_400_000,
      shutdownGraceMs: 30_000,
      bodyLimitBytes: 1_048_576,
      jwt: undefined,
      rateLimitPerMinute: 120,
      corsOrigins: [],
      vaultPreflight: { mode: 'warn', timeoutMs: 2_000 },
      metricsPublic: false,
      tokenCheckIntervalMs: 30_000,
    });
  });

  it('reads every variable, the retry knobs included', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgresql://tvi@db.example.com:5432/integrations',
      DATABASE_POOL_MAX: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
      TSM_URL: 'https://tsm.example.com/',
      TSM_ACCESS_TOKEN: ACCESS_TOKEN,
      CSP_URL: 'https://csp.example.com/',
      API_KEYS: ` portal=${CALLER_KEY} , pipeline@ci=${CALLER_KEY}-2 `,
      ALLOW_HTTP_VAULT: 'true',
      VAULT_ALLOW_LOOPBACK: 'true',
      CALLBACK_URL_ALLOWLIST: 'https://hooks.example.com/tsm/',
      LOG_LEVEL: 'debug',
      TSM_MAX_ATTEMPTS: '7',
      TSM_ATTEMPT_TIMEOUT_MS: '2500',
      TSM_BACKOFF_BASE_MS: '50',
      TSM_BACKOFF_MAX_MS: '800',
      INTEGRATION_DEADLINE_MS: '90000',
      LEASE_DURATION_MS: '5000',
      RECOVERY_INTERVAL_MS: '250',
      IDEMPOTENCY_KEY_TTL_MS: '3600000',
      SHUTDOWN_GRACE_MS: '1000',
      BODY_LIMIT_BYTES: '65536',
      VAULT_PREFLIGHT: 'require',
      VAULT_PREFLIGHT_TIMEOUT_MS: '500',
      METRICS_PUBLIC: 'true',
      READYZ_TOKEN_CHECK_MS: '5000',
    });

    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: 'postgresql://tvi@db.example.com:5432/integrations',
      postgres: { poolMax: 25, statementTimeoutMs: 2_000, connectionTimeoutMs: 3_000 },
      tsmUrl: 'https://tsm.example.com',
      cspUrl: 'https://csp.example.com',
      tsmCredentials: { kind: 'access-token', accessToken: ACCESS_TOKEN },
      apiKeys: [
        { name: 'portal', key: CALLER_KEY, sha256: sha256(CALLER_KEY), scopes: SCOPES },
        {
          name: 'pipeline@ci',
          key: `${CALLER_KEY}-2`,
          sha256: sha256(`${CALLER_KEY}-2`),
          scopes: SCOPES,
        },
      ],
      authDisabled: false,
      allowHttpVault: true,
      allowLoopbackVault: true,
      callbackAllowlist: [new URL('https://hooks.example.com/tsm/')],
      logLevel: 'debug',
      retry: { maxAttempts: 7, attemptTimeoutMs: 2500, backoffBaseMs: 50, backoffMaxMs: 800 },
      integrationDeadlineMs: 90_000,
      leaseMs: 5_000,
      recoveryIntervalMs: 250,
      idempotencyKeyTtlMs: 3_600_000,
      shutdownGraceMs: 1_000,
      bodyLimitBytes: 65_536,
      jwt: undefined,
      rateLimitPerMinute: 120,
      corsOrigins: [],
      vaultPreflight: { mode: 'require', timeoutMs: 500 },
      metricsPublic: true,
      tokenCheckIntervalMs: 5_000,
    });
  });

  it('lets AUTH_DISABLED=true stand in for API_KEYS', () => {
    const config = loadConfig({ ...MINIMAL, AUTH_DISABLED: 'true' });

    expect(config.authDisabled).toBe(true);
    expect(config.apiKeys).toEqual([]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...WITH_KEYS, PORT: '', LOG_LEVEL: '' })).toMatchObject({
      port: 3000,
      logLevel: 'info',
    });
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
    ['a port with a fraction', { PORT: '80.5' }, 'PORT'],
    ['a port in exponent form', { PORT: '8e3' }, 'PORT'],
    ['a port written as a boolean', { PORT: 'true' }, 'PORT'],
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['no attempt at all', { TSM_MAX_ATTEMPTS: '0' }, 'TSM_MAX_ATTEMPTS'],
    ['a timeout with a unit', { TSM_ATTEMPT_TIMEOUT_MS: '10s' }, 'TSM_ATTEMPT_TIMEOUT_MS'],
    ['a backoff cap under its base', { TSM_BACKOFF_MAX_MS: '10' }, 'TSM_BACKOFF_MAX_MS'],
    ['a deadline under a second', { INTEGRATION_DEADLINE_MS: '500' }, 'INTEGRATION_DEADLINE_MS'],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['AUTH_DISABLED other than true or false', { AUTH_DISABLED: 'yes' }, 'AUTH_DISABLED'],
    ['no TSM_URL', { TSM_URL: undefined }, 'TSM_URL'],
    ['a TSM_URL that is not http(s)', { TSM_URL: 'ftp://tsm.example.com' }, 'TSM_URL'],
    ['no TSM token', { TSM_API_TOKEN: undefined }, 'TSM_API_TOKEN'],
    ['both TSM tokens', { TSM_ACCESS_TOKEN: ACCESS_TOKEN }, 'TSM_ACCESS_TOKEN'],
    ['no API_KEYS without AUTH_DISABLED', { API_KEYS: undefined }, 'API_KEYS'],
    ['a short key', { API_KEYS: 'portal=short' }, 'API_KEYS'],
    ['a pair without "="', { API_KEYS: `portal:${CALLER_KEY}` }, 'API_KEYS'],
    ['a pair without a name', { API_KEYS: `=${CALLER_KEY}` }, 'API_KEYS'],
    ['an unknown preflight mode', { VAULT_PREFLIGHT: 'strict' }, 'VAULT_PREFLIGHT'],
    ['a name given twice', { API_KEYS: `a=${CALLER_KEY},a=${CALLER_KEY}-2` }, 'API_KEYS'],
    ['a key where the name belongs', { API_KEYS: `${CALLER_KEY}=portal` }, 'API_KEYS'],
  ])('refuses %s with a ConfigError naming the variable', (_case, change, variable) => {
    const error = configErrorOf({ ...WITH_KEYS, ...change });

    const named = (problem: string) => problem.split(':')[0]?.split(', ').includes(variable);
    expect(error.problems.some(named), error.message).toBe(true);
    for (const secret of [API_TOKEN, ACCESS_TOKEN, CALLER_KEY]) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('reports every malformed variable at once, one line each', () => {
    const error = configErrorOf({
      ...WITH_KEYS,
      TSM_URL: undefined,
      PORT: '1.5',
      LOG_LEVEL: 'loud',
    });

    const variables = error.problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual(['LOG_LEVEL', 'PORT', 'TSM_URL']);
  });

  it('reports malformed variables and rules across variables in one go', () => {
    const error = configErrorOf({
      ...WITH_KEYS,
      PORT: 'abc',
      TSM_ACCESS_TOKEN: ACCESS_TOKEN,
      TSM_BACKOFF_BASE_MS: '1000',
      TSM_BACKOFF_MAX_MS: '500',
    });

    const variables = error.problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual([
      'PORT',
      'TSM_API_TOKEN, TSM_ACCESS_TOKEN',
      'TSM_BACKOFF_MAX_MS',
    ]);
  });

  it('reads the callback allow-list as URLs and names an entry that is not one', () => {
    const config = loadConfig({
      ...WITH_KEYS,
      CALLBACK_URL_ALLOWLIST: ' https://hooks.example.com/tsm/ , http://127.0.0.1:9000/',
    });
    const error = configErrorOf({ ...WITH_KEYS, CALLBACK_URL_ALLOWLIST: 'ftp://x/,hooks' });

    expect(config.callbackAllowlist.map((url) => url.href)).toEqual([
      'https://hooks.example.com/tsm/',
      'http://127.0.0.1:9000/',
    ]);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^CALLBACK_URL_ALLOWLIST: "ftp:\/\/x\/" is not/);
  });

  it('says only what is wrong with a short key, not that no key is set', () => {
    const error = configErrorOf({ ...MINIMAL, API_KEYS: 'portal=short' });

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^API_KEYS: .*16 characters/);
  });

  it('counts a long PostgreSQL password among the secrets the logger scrubs', () => {
    const password = 'pg-password-do-not-print';
    const withPassword = loadConfig({
      ...WITH_KEYS,
      DATABASE_URL: `postgres://integrations:${encodeURIComponent(password)}@db:5432/tvi`,
    });
    const shortPassword = loadConfig({ ...WITH_KEYS, DATABASE_URL: 'postgres://u:pw@db/tvi' });

    expect(secretValues(withPassword)).toContain(password);
    expect(secretValues(shortPassword)).not.toContain('pw');
    expect(secretValues(loadConfig(WITH_KEYS))).toEqual([API_TOKEN, CALLER_KEY]);
  });

  it('names the values a choice accepts', () => {
    const error = configErrorOf({ ...WITH_KEYS, LOG_LEVEL: 'loud' });

    expect(error.message).toMatch(/LOG_LEVEL: .*\bdebug\b/);
  });
});

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}
