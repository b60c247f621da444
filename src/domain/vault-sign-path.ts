/**
 * The Vault path that TSM asks for certificates: a PKI sign endpoint, <mount>/sign/<role> or
 * <mount>/issuer/<ref>/sign/<role>. TSM sends a CSR and keeps the private key in the mesh, so
 * endpoints that make Vault generate the key, or that sign without the role's rules, are refused.
 */
import { isRoleName, ROLE_NAME_RULE } from './identifiers.js';
import { quote, type ValidationReport } from './validation-report.js';

const PRINTABLE_ASCII_WITHOUT_SPACE = /^[\x21-\x7e]*$/;
const PRIVILEGED_ENDPOINTS = new Set(['sign-verbatim', 'sign-intermediate', 'sign-self-issued']);
const RESERVED_MOUNTS = new Set(['sys', 'auth', 'audit', 'cubbyhole', 'identity']);
const SIGN_SHAPES = '<mount>/sign/<role> or <mount>/issuer/<issuer>/sign/<role>';

/** The sign path without /v1/ or slashes at either end; undefined when refused. */
export function normalizeSignPath(text: string, pointer: string, report: ValidationReport) {
  if (!PRINTABLE_ASCII_WITHOUT_SPACE.test(text)) {
    report.error(
      pointer,
      'VAULT_PATH_CHARACTERS',
      'A Vault path holds printable ASCII without spaces; remove the other characters.',
    );
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

function tidy(text: string): string {
  const single = text.replace(/\/{2,}/g, '/');
  const withoutVersion = single.startsWith('/v1/') ? single.slice('/v1'.length) : single;
  return withoutVersion.replace(/^\/|\/$/g, '');
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
