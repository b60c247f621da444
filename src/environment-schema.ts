/**
 * Every environment variable the service reads, as one TypeBox schema with a description and a
 * default per variable. The README's configuration table mirrors it (a test keeps them equal).
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_DATABASE_URL } from './storage/database-folder.js';
import { DEFAULT_POSTGRES_SETTINGS } from './storage/postgres-database.js';
import { PREFLIGHT_MODES } from './vault/preflight-report.js';

const Integer = (description: string, defaultValue: number, minimum: number, maximum: number) =>
  Type.Integer({ description, default: defaultValue, minimum, maximum });

const Bool = (description: string) =>
  Type.Union([Type.Literal('true'), Type.Literal('false')], { description, default: 'false' });

const OptionalText = (description: string) =>
  Type.Optional(Type.String({ description, minLength: 1 }));

/** The environment's schema: names, types, bounds, defaults and descriptions. */
export const EnvironmentSchema = Type.Object({
  HOST: Type.String({ description: 'Address to listen on.', default: '127.0.0.1', minLength: 1 }),
  PORT: Integer('Port to listen on (0 picks a free one).', 3000, 0, 65535),
  DATABASE_URL: Type.String({
    description:
      'PostgreSQL URL, or SQLite file path or file: URL in a folder that exists. Unset: ./data/vault-integrations.db, folder created.',
    default: DEFAULT_DATABASE_URL,
    minLength: 1,
  }),
  DATABASE_POOL_MAX: Integer(
    'PostgreSQL only: most connections one replica opens.',
    DEFAULT_POSTGRES_SETTINGS.poolMax,
    1,
    1_000,
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: Integer(
    'PostgreSQL only: longest a statement runs, or a transaction idles, before it is cancelled.',
    DEFAULT_POSTGRES_SETTINGS.statementTimeoutMs,
    100,
    600_000,
  ),
  DATABASE_CONNECT_TIMEOUT_MS: Integer(
    'PostgreSQL only: longest wait for a connection, new or free, before a query fails.',
    DEFAULT_POSTGRES_SETTINGS.connectionTimeoutMs,
    100,
    600_000,
  ),
  TSM_URL: Type.String({
    description: 'Base URL of the TSM API, e.g. https://prod-2.nsxservicemesh.vmware.com.',
    pattern: '^https?://[^\\s]+$',
  }),
  TSM_API_TOKEN: Type.Optional(
    Type.String({
      description: 'TSM API token, exchanged at CSP for access tokens.',
      minLength: 1,
    }),
  ),
  TSM_ACCESS_TOKEN: Type.Optional(
    Type.String({
      description: 'A fixed access token, used as is instead of an exchange.',
      minLength: 1,
    }),
  ),
  CSP_URL: Type.String({
    description: 'CSP host that exchanges the API token.',
    default: 'https://console.cloud.vmware.com',
    pattern: '^https?://[^\\s]+$',
  }),
  API_KEYS: Type.Optional(
    Type.String({ description: 'Caller keys as name=key pairs separated by commas.' }),
  ),
  AUTH_DISABLED: Bool('true lets every caller in as "anonymous". Only for local development.'),
  ALLOW_HTTP_VAULT: Bool('true accepts http:// Vault URLs. Vault should be reached over TLS.'),
  VAULT_ALLOW_LOOPBACK: Bool(
    'true accepts loopback Vault URLs (127.0.0.0/8, ::1, localhost), for a test Vault on this ' +
      'machine. Link-local stays refused.',
  ),
  CALLBACK_URL_ALLOWLIST: Type.Optional(
    Type.String({
      description:
        'URL prefixes (origin and path), separated by commas, that a Prefer: respond-async ' +
        'caller may name in X-Callback-Url. Unset: no callbacks.',
    }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { description: 'pino log level.', default: 'info' },
  ),
  TSM_MAX_ATTEMPTS: Integer('Attempts per TSM call, the first included.', 5, 1, 20),
  TSM_ATTEMPT_TIMEOUT_MS: Integer('Timeout of one TSM call attempt.', 10_000, 100, 300_000),
  TSM_BACKOFF_BASE_MS: Integer('First retry backoff ceiling; doubles per attempt.', 200, 1, 60_000),
  TSM_BACKOFF_MAX_MS: Integer('Largest retry backoff.', 5_000, 1, 300_000),
  INTEGRATION_DEADLINE_MS: Integer(
    "Time budget of one integration's forward steps.",
    60_000,
    1_000,
    600_000,
  ),
  LEASE_DURATION_MS: Integer(
    'How long a runner holds an integration without renewing; after it, recovery takes it.',
    30_000,
    1_000,
    600_000,
  ),
  RECOVERY_INTERVAL_MS: Integer(
    'Pause between recovery sweeps; also the first retry delay of a failed rollback.',
    10_000,
    100,
    3_600_000,
  ),
  IDEMPOTENCY_KEY_TTL_MS: Integer(
    'How long an Idempotency-Key is remembered.',
    86_400_000,
    60_000,
    2_592_000_000,
  ),
  SHUTDOWN_GRACE_MS: Integer(
    'On SIGTERM/SIGINT, how long running integrations may go on before recovery takes them.',
    30_000,
    0,
    600_000,
  ),
  BODY_LIMIT_BYTES: Integer('Largest request body accepted.', 1_048_576, 1_024, 16_777_216),
  TSM_API_TOKEN_FILE: OptionalText('A file holding TSM_API_TOKEN (e.g. a mounted secret).'),
  TSM_ACCESS_TOKEN_FILE: OptionalText('A file holding TSM_ACCESS_TOKEN.'),
  API_KEYS_FILE: OptionalText(
    'A YAML or JSON file of hashed caller keys: a list of name, sha256 and scopes.',
  ),
  JWT_JWKS_URL: OptionalText("URL of the identity provider's JWKS; set it to accept JWTs."),
  JWT_ISSUER: OptionalText('The iss a JWT must carry.'),
  JWT_AUDIENCE: OptionalText('The aud a JWT must carry (one of several, comma-separated).'),
  JWT_SCOPES_CLAIM: Type.String({
    description: "The JWT claim with the caller's scopes: a space-separated string or a list.",
    default: 'scope',
    minLength: 1,
  }),
  JWT_CLOCK_SKEW_SECONDS: Integer(
    "Tolerance for the clocks' difference when checking exp and nbf.",
    30,
    0,
    300,
  ),
  RATE_LIMIT_PER_MINUTE: Integer('Writes one caller may make per minute.', 120, 1, 100_000),
  CORS_ORIGINS: OptionalText('Browser origins allowed by CORS, comma-separated. Unset: no CORS.'),
  VAULT_PREFLIGHT: Type.Union(
    PREFLIGHT_MODES.map((mode) => Type.Literal(mode)),
    {
      description:
        'Checks against Vault before TSM: off, warn (failures become warnings) or require ' +
        '(a failure refuses with 422). A request may ask for stricter.',
      default: 'warn',
    },
  ),
  VAULT_PREFLIGHT_TIMEOUT_MS: Integer(
    'Bound of each preflight connection or read to Vault.',
    2_000,
    100,
    30_000,
  ),
  METRICS_PUBLIC: Bool(
    'true serves /metrics without a caller key, for a scraper on an internal network.',
  ),
  READYZ_TOKEN_CHECK_MS: Integer(
    'How long /readyz reuses its check that a TSM access token can be had.',
    30_000,
    0,
    3_600_000,
  ),
});
