/**
 * The Vault path that TSM asks for certificates: a PKI sign endpoint, <mount>/sign/<role> or
 * <mount>/issuer/<ref>/sign/<role>. TSM sends a CSR and keeps the private key in the mesh, so
 * endpoints that make Vault generate the key, or that sign without the role's rules, are refused.
 */
import { isRoleName, ROLE_NAME_RULE } from './identifiers.js';
import type { ValidationErrorCode } from './validation-codes.js';
import { quote, type ValidationReport } from './validation-report.js';
import { findPathProblem, type PathProblem } from './vault-path-text.js';

const PROBLEM_CODES: Record<PathProblem['kind'], ValidationErrorCode> = {
  characters: 'VAULT_PATH_CHARACTERS',
  urlCharacters: 'VAULT_PATH_URL_CHARACTERS',
  dotSegment: 'VAULT_PATH_DOT_SEGMENT',
};
const PRIVILEGED_ENDPOINTS = new Set(['sign-verbatim', 'sign-intermediate', 'sign-self-issued']);
const RESERVED_MOUNTS = new Set(['sys', 'auth', 'audit', 'cubbyhole', 'identity']);
const SIGN_SHAPES = '<mount>/sign/<role> or <mount>/issuer/<issuer>/sign/<role>';

/** The sign path without /v1/ or slashes at either end; undefined when refused. */
export function normalizeSignPath(text: string, pointer: string, report: ValidationReport) {
  const refused = findPathProblem(text);
  if (refused !== undefined) {
    report.error(
      pointer,
      PROBLEM_CODES[refused.kind],
      `The sign path ${quote(text)} ${refused.problem}, e.g. pki_int/sign/example-dot-com.`,
    );
    return undefined;
  }
  if (looksLikeUrl(text)) {
    report.error(pointer, 'VAULT_PATH_IS_URL', isUrlMessage(text));
    return undefined;
  }
  const path = tidy(text);
  if (path !== text) {
    report.warn(
      pointer,
      'VAULT_PATH_NORMALIZED',
      `Rewrote ${quote(text)} as ${quote(path)}: ` +
        'TSM wants the sign path without /v1/ and without extra slashes.',
    );
  }
  return checkSegments(path.split('/'), path, pointer, report);
}

/**
 * A whole Vault URL pasted where the path belongs ("https://vault:8200/v1/pki/sign/web",
 * "vault:8200/v1/...", "/v1//vault:8200/..."): a segment holds a colon, which no mount or role
 * name here does. Tidying it would send TSM a path that starts with a scheme or a host.
 */
function looksLikeUrl(text: string): boolean {
  return text.split('/').some((segment) => segment.includes(':')) || schemeRelativeHost(text);
}

// "//vault.example.com/path" (after an optional /v1) is a URL without its scheme. A first
// segment without a dot ("//pki_int/sign/web", "//v1/...") is a mount or Vault's API prefix
// behind one slash too many, a typo tidied with a warning like any other doubled slash.
const SCHEME_RELATIVE = /^(?:\/v1)?\/\/([^/]+)/i;

function schemeRelativeHost(text: string): boolean {
  const host = SCHEME_RELATIVE.exec(text)?.[1];
  return host !== undefined && host.includes('.');
}

function isUrlMessage(text: string): string {
  const advice =
    'Give only the sign path, <mount>/sign/<role>; the server belongs in account.vaultUrl.';
  const example = (suggestion: string) =>
    suggestion === '' ? '' : ` Here that is ${quote(suggestion)}.`;
  if (schemeRelativeHost(text)) {
    const [, host = '', ...rest] = text
      .replace(/^\/v1(?=\/\/)/i, '')
      .split('/')
      .slice(1);
    return (
      `${quote(text)} starts with "//", which makes ${quote(host)} the host of a URL ` +
      `without its scheme, not a sign path. ${advice}${example(tidy(rest.join('/')))}`
    );
  }
  try {
    const suggestion = example(tidy(new URL(text).pathname));
    return `${quote(text)} is a URL, not a sign path. ${advice}${suggestion}`;
  } catch {
    // No scheme: what follows the last segment that holds host:port is the path.
    const segments = text.split('/');
    const afterHost = segments.slice(segments.findLastIndex((s) => s.includes(':')) + 1);
    const suggestion = example(tidy(afterHost.join('/')));
    return `${quote(text)} is not a sign path but holds a host and port. ${advice}${suggestion}`;
  }
}

function tidy(text: string): string {
  const segments = text.split('/').filter((segment) => segment !== '');
  // Vault's API prefix, in whatever case it was typed; TSM adds it itself.
  const withoutVersion = segments[0]?.toLowerCase() === 'v1' ? segments.slice(1) : segments;
  return withoutVersion.join('/');
}

function checkSegments(
  segments: string[],
  path: string,
  pointer: string,
  report: ValidationReport,
) {
  const count = segments.length;
  const endpoint = segments[count - 2];
  const role = segments[count - 1] ?? '';
  if (PRIVILEGED_ENDPOINTS.has(endpoint ?? '') || PRIVILEGED_ENDPOINTS.has(role)) {
    report.error(
      pointer,
      'VAULT_PATH_PRIVILEGED_ENDPOINT',
      `${quote(path)} is a privileged ` +
        'endpoint (sign-verbatim, root/sign-intermediate) that ignores the role; TSM needs ' +
        `${SIGN_SHAPES}.`,
    );
    return undefined;
  }
  if (endpoint === 'issue' && count >= 3) {
    const suggestion = [...segments.slice(0, -2), 'sign', role].join('/');
    report.error(
      pointer,
      'VAULT_PATH_ISSUE_ENDPOINT',
      `${quote(path)} uses issue, which makes ` +
        'Vault generate the private key; TSM keeps its keys and needs the sign endpoint: ' +
        `${quote(suggestion)}.`,
    );
    return undefined;
  }
  const mountEnd = segments[count - 4] === 'issuer' && count >= 5 ? count - 4 : count - 2;
  if (endpoint !== 'sign' || mountEnd < 1) {
    report.error(
      pointer,
      'VAULT_PATH_NOT_SIGN',
      `${quote(path)} is not a PKI sign endpoint; give ${SIGN_SHAPES}, ` +
        'e.g. pki_int/sign/example-dot-com.',
    );
    return undefined;
  }
  return checkMountAndRole(segments[0] ?? '', role, path, pointer, report);
}

function checkMountAndRole(
  firstSegment: string,
  role: string,
  path: string,
  pointer: string,
  report: ValidationReport,
) {
  const errorsBefore = report.errorCount;
  if (RESERVED_MOUNTS.has(firstSegment)) {
    report.error(
      pointer,
      'VAULT_PATH_RESERVED_MOUNT',
      `${quote(firstSegment)} is reserved by ` +
        'Vault and cannot hold a PKI engine; give the mount of your PKI secrets engine.',
    );
  }
  if (!isRoleName(role)) {
    report.error(
      pointer,
      'VAULT_PATH_ROLE_INVALID',
      `The role ${quote(role)} is not usable: ${ROLE_NAME_RULE}.`,
    );
  }
  return report.errorCount > errorsBefore ? undefined : path;
}
