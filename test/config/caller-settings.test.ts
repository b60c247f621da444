/**
 * The settings of the ways in and of secrets: the TSM token from a file, hashed caller keys from
 * API_KEYS_FILE, scopes on plain keys, the JWT issuer and CORS origins. A wrong one stops start-up
 * with a message naming the variable (and the entry), never quoting a value.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretValues } from '../../src/config.js';

const API_TOKEN = 'tsm-api-token-from-a-file-do-not-print';
const CALLER_KEY = 'caller-key-do-not-print-0123';
const MINIMAL = { TSM_URL: 'https://tsm.example.com', API_KEYS: `portal=${CALLER_KEY}` };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The problems a configuration is refused with; fails the test if it is accepted. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

describe('secrets and caller keys from files', () => {
  let folder: string;
  const file = (name: string) => join(folder, name);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tvi-config-'));
    await writeFile(file('token'), `${API_TOKEN}\n`);
    await writeFile(file('empty'), '\n');
    await writeFile(
      file('keys.yaml'),
      [
        '- name: deployer',
        `  sha256: ${sha256('deployer-key-0123456789')}`,
        '  scopes: [integrations:write, integrations:write, integrations:read]',
      ].join('\n'),
    );
    await writeFile(
      file('bad-keys.json'),
      JSON.stringify([
        { name: 'ok', sha256: sha256('a-key-0123456789'), scopes: ['audit:read'] },
        { name: 'no-hash', sha256: CALLER_KEY, scopes: ['audit:read'] },
        { name: 'odd-scope', sha256: sha256('b-key-0123456789'), scopes: ['admin'] },
      ]),
    );
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('reads the TSM API token from TSM_API_TOKEN_FILE, without the trailing newline', () => {
    const config = loadConfig({ ...MINIMAL, TSM_API_TOKEN_FILE: file('token') });

    expect(config.tsmCredentials).toEqual({ kind: 'api-token', apiToken: API_TOKEN });
    expect(secretValues(config)).toContain(API_TOKEN);
  });

  it.each<[string, Record<string, string>, string]>([
    ['both a variable and its file', { TSM_API_TOKEN: API_TOKEN }, 'TSM_API_TOKEN_FILE'],
    ['an empty file', { TSM_API_TOKEN_FILE: 'empty' }, 'TSM_API_TOKEN_FILE: the file is empty'],
    ['a missing file', { TSM_API_TOKEN_FILE: 'absent' }, '(ENOENT)'],
  ])('refuses %s', (_case, settings, expected) => {
    const withPaths = Object.fromEntries(
      Object.entries(settings).map(([name, value]) => [
        name,
        name.endsWith('_FILE') ? file(value) : value,
      ]),
    );
    const env = { TSM_API_TOKEN_FILE: file('token'), ...MINIMAL, ...withPaths };

    const problems = problemsOf(env);

    expect(problems.join('\n')).toContain(expected);
    expect(problems.join('\n')).not.toContain(API_TOKEN);
  });

  it('reads hashed keys from API_KEYS_FILE: no key kept, each scope once', () => {
    const config = loadConfig({
      ...MINIMAL,
      TSM_API_TOKEN: API_TOKEN,
      API_KEYS_FILE: file('keys.yaml'),
    });

    expect(config.apiKeys).toContainEqual({
      name: 'deployer',
      sha256: sha256('deployer-key-0123456789'),
      scopes: ['integrations:write', 'integrations:read'],
    });
  });

  it('names each faulty entry of API_KEYS_FILE and its field, quoting no value', () => {
    const problems = problemsOf({
      ...MINIMAL,
      TSM_API_TOKEN: API_TOKEN,
      API_KEYS_FILE: file('bad-keys.json'),
    });

    expect(problems).toEqual([
      expect.stringMatching(/^API_KEYS_FILE: entry 2 needs sha256/),
      expect.stringMatching(/^API_KEYS_FILE: entry 3 needs scopes/),
    ]);
    expect(problems.join('\n')).not.toContain(CALLER_KEY);
  });
});

describe('scopes, JWTs and CORS', () => {
  const base = { ...MINIMAL, TSM_API_TOKEN: API_TOKEN };

  it('gives a plain key the scopes listed after its name, and every scope to a bare name', () => {
    const config = loadConfig({
      ...base,
      API_KEYS: `portal=${CALLER_KEY}, siem[audit:read]=siem-key-0123456789abc`,
    });

    expect(config.apiKeys.map(({ name, scopes }) => ({ name, scopes }))).toEqual([
      {
        name: 'portal',
        scopes: ['integrations:write', 'integrations:read', 'audit:read', 'metrics:read'],
      },
      { name: 'siem', scopes: ['audit:read'] },
    ]);
  });

  it('refuses a plain key with an unknown scope, naming the entry and not the key', () => {
    const problems = problemsOf({ ...base, API_KEYS: `portal[admin]=${CALLER_KEY}` });

    expect(problems).toEqual([expect.stringMatching(/^API_KEYS: entry 1 lists scopes other/)]);
    expect(problems.join('\n')).not.toContain(CALLER_KEY);
  });

  it('reads the JWT settings, the audiences as a list', () => {
    const config = loadConfig({
      ...base,
      JWT_JWKS_URL: 'https://login.example.com/keys',
      JWT_ISSUER: 'https://login.example.com/',
      JWT_AUDIENCE: 'tsm-vault-integrations, mesh-portal',
    });

    expect(config.jwt).toEqual({
      jwksUrl: 'https://login.example.com/keys',
      issuer: 'https://login.example.com/',
      audience: ['tsm-vault-integrations', 'mesh-portal'],
      scopesClaim: 'scope',
      clockSkewSeconds: 30,
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a key set over plain HTTP', { JWT_JWKS_URL: 'http://login.example.com/keys' }, 'https://'],
    ['no issuer', { JWT_ISSUER: '' }, 'JWT_ISSUER: set it'],
    ['no audience', { JWT_AUDIENCE: '' }, 'JWT_AUDIENCE: set it'],
  ])('refuses JWT settings with %s', (_case, change, expected) => {
    const jwt = {
      JWT_JWKS_URL: 'https://login.example.com/keys',
      JWT_ISSUER: 'https://login.example.com/',
      JWT_AUDIENCE: 'tsm-vault-integrations',
    };

    expect(problemsOf({ ...base, ...jwt, ...change }).join('\n')).toContain(expected);
  });

  it('takes a JWKS over plain HTTP on the loopback address, and JWTs as the only way in', () => {
    const config = loadConfig({
      TSM_URL: base.TSM_URL,
      TSM_API_TOKEN: API_TOKEN,
      JWT_JWKS_URL: 'http://127.0.0.1:8080/keys',
      JWT_ISSUER: 'https://login.example.com/',
      JWT_AUDIENCE: 'tsm-vault-integrations',
    });

    expect(config.jwt?.jwksUrl).toBe('http://127.0.0.1:8080/keys');
    expect(config.apiKeys).toEqual([]);
  });

  it('reads CORS_ORIGINS and refuses an entry with a path, naming its position', () => {
    const origins = 'https://portal.example.com, http://localhost:5173';

    expect(loadConfig({ ...base, CORS_ORIGINS: origins }).corsOrigins).toEqual([
      'https://portal.example.com',
      'http://localhost:5173',
    ]);
    expect(problemsOf({ ...base, CORS_ORIGINS: `${origins}, https://x.example.com/app` })).toEqual([
      expect.stringMatching(/^CORS_ORIGINS: entry 3 must be an origin/),
    ]);
  });
});
