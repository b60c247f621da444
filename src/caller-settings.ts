/**
 * The parts of the configuration about callers and secrets: secrets read from files (Kubernetes
 * secret mounts), hashed caller keys from API_KEYS_FILE, the JWT issuer, CORS origins. Kept apart
 * from config.ts so that each rule about a secret reads in one place. No message here quotes a
 * value read from a variable or a file: configuration errors end up in logs.
 */
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { SCOPES, type Scope } from './http/auth/scopes.js';

/** A caller key: the name is the actor recorded in the audit trail. */
export interface ApiKey {
  name: string;
  /** SHA-256 of the key, lower-case hex: what a presented key is compared with. */
  sha256: string;
  scopes: Scope[];
  /** The key itself, only for keys given in plain text (API_KEYS), so logs can scrub it. */
  key?: string;
}

/** How bearer tokens from the organization's identity provider are checked. */
export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string[];
  scopesClaim: string;
  clockSkewSeconds: number;
}

/** Letters, digits and ".", "_", "-", "@": never ":", so no key name looks like "jwt:<sub>". */
export const KEY_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** The shape that makes a bearer credential a JWT: three base64url parts joined by dots. */
export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const SHA256_HEX = /^[0-9a-f]{64}$/;

const ApiKeysFileSchema = Type.Array(
  Type.Object(
    {
      name: Type.String({ pattern: KEY_NAME.source }),
      sha256: Type.String({ pattern: SHA256_HEX.source }),
      scopes: Type.Array(Type.Union(SCOPES.map((scope) => Type.Literal(scope))), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
);

/**
 * A secret given either as the variable itself or as a file named by `<variable>_FILE`; both at
 * once is refused. Surrounding white space (the newline most editors add) is not part of it.
 */
export function secretSetting(
  variable: string,
  values: Record<string, unknown>,
  problems: string[],
): string | undefined {
  const direct = values[variable];
  const path = values[`${variable}_FILE`];
  if (typeof direct === 'string' && typeof path === 'string') {
    problems.push(`${variable}, ${variable}_FILE: set one of them, not both.`);
  }
  if (typeof direct === 'string') return direct;
  if (typeof path !== 'string') return undefined;
  const text = readSecretFile(`${variable}_FILE`, path, problems)?.trim();
  if (text === '') problems.push(`${variable}_FILE: the file is empty.`);
  return text === '' ? undefined : text;
}

/** The entries of API_KEYS_FILE: a YAML (or JSON) list of name, sha256 and scopes. */
export function apiKeysFromFile(path: string, problems: string[]): ApiKey[] {
  const text = readSecretFile('API_KEYS_FILE', path, problems);
  if (text === undefined) return [];
  let entries: unknown;
  try {
    entries = parseYaml(text);
  } catch {
    problems.push('API_KEYS_FILE: is not valid YAML or JSON.');
    return [];
  }
  if (!Value.Check(ApiKeysFileSchema, entries)) {
    problems.push(...fileEntryProblems(entries));
    return [];
  }
  return entries.map(({ name, sha256, scopes }) => ({
    name,
    sha256,
    scopes: [...new Set(scopes)],
  }));
}

/** The JWT settings, or undefined when JWT_JWKS_URL is unset (no JWT is then accepted). */
export function jwtSettings(
  values: {
    JWT_JWKS_URL?: string;
    JWT_ISSUER?: string;
    JWT_AUDIENCE?: string;
    JWT_SCOPES_CLAIM: string;
    JWT_CLOCK_SKEW_SECONDS: number;
  },
  problems: string[],
): JwtSettings | undefined {
  const { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: issuer, JWT_AUDIENCE: audience } = values;
  if (jwksUrl === undefined) {
    if (issuer !== undefined || audience !== undefined) {
      problems.push('JWT_JWKS_URL: set it too, or unset JWT_ISSUER and JWT_AUDIENCE.');
    }
    return undefined;
  }
  // The key set decides whose tokens are believed: it must not be fetched over plain HTTP from
  // anywhere but this machine.
  if (
    !/^https:\/\//.test(jwksUrl) &&
    !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(jwksUrl)
  ) {
    problems.push('JWT_JWKS_URL: must be an https:// URL (http:// only on the loopback address).');
  }
  if (issuer === undefined) problems.push('JWT_ISSUER: set it with JWT_JWKS_URL.');
  if (audience === undefined) problems.push('JWT_AUDIENCE: set it with JWT_JWKS_URL.');
  return {
    jwksUrl,
    issuer: issuer ?? '',
    audience: commaList(audience ?? ''),
    scopesClaim: values.JWT_SCOPES_CLAIM,
    clockSkewSeconds: values.JWT_CLOCK_SKEW_SECONDS,
  };
}

/** The origins CORS_ORIGINS allows, each an origin exactly as a browser sends it. */
export function corsOrigins(text: string, problems: string[]): string[] {
  const origins = commaList(text);
  origins.forEach((origin, index) => {
    if (!/^https?:\/\/[^/\s?#]+$/.test(origin)) {
      problems.push(
        `CORS_ORIGINS: entry ${index + 1} must be an origin like https://portal.example.com ` +
          '(scheme and host, no path).',
      );
    }
  });
  return origins;
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A file's text, or undefined with a problem that names the variable and the reason only. */
function readSecretFile(variable: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    problems.push(`${variable}: the file cannot be read (${code}).`);
    return undefined;
  }
}

/** One problem per faulty entry, naming its position and field, never its values. */
function fileEntryProblems(entries: unknown): string[] {
  if (!Array.isArray(entries)) {
    return ['API_KEYS_FILE: must be a list of entries with name, sha256 and scopes.'];
  }
  const byEntry = new Map<string, string>();
  for (const error of Value.Errors(ApiKeysFileSchema, entries)) {
    const [, index, field] = error.path.split('/');
    const at = `API_KEYS_FILE: entry ${Number(index ?? 0) + 1}`;
    if (byEntry.has(at)) continue;
    byEntry.set(at, `${at} ${ENTRY_HINTS[field ?? ''] ?? ENTRY_HINTS['']}`);
  }
  return [...byEntry.values()];
}

const ENTRY_HINTS: Record<string, string> = {
  '': 'needs exactly name, sha256 and scopes.',
  name: 'needs a name made of letters, digits, ".", "_", "-" or "@".',
  sha256: 'needs sha256: the SHA-256 of the key as 64 lower-case hex digits.',
  scopes: `needs scopes: a list of one or more of ${SCOPES.join(', ')}.`,
};
