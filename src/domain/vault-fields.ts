/**
 * The Vault fields of the external account besides its URL: the mount path of the Kubernetes
 * auth method and the Vault Enterprise namespace. Harmless spellings are rewritten (with a
 * warning) into the form TSM expects; wrong ones are refused with a hint.
 */
import type { ValidationErrorCode } from './validation-codes.js';
import { quote, type ValidationReport } from './validation-report.js';
import { findPathProblem, type PathProblem } from './vault-path-text.js';

const MOUNT_PROBLEM_CODES: Record<PathProblem['kind'], ValidationErrorCode> = {
  characters: 'MOUNT_PATH_CHARACTERS',
  urlCharacters: 'MOUNT_PATH_URL_CHARACTERS',
  dotSegment: 'MOUNT_PATH_DOT_SEGMENT',
};
const NAMESPACE_PROBLEM_CODES: Record<PathProblem['kind'], ValidationErrorCode> = {
  characters: 'NAMESPACE_CHARACTERS',
  urlCharacters: 'NAMESPACE_URL_CHARACTERS',
  dotSegment: 'NAMESPACE_DOT_SEGMENT',
};
// Letters, digits, "-" and "_", with "." only inside: never a "." or ".." segment.
const NAMESPACE_SEGMENT = /^[A-Za-z0-9_-](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;
// Top-level Vault paths that are not auth/ and so cannot hold the Kubernetes auth method.
const NON_AUTH_TOP_LEVEL = new Set(['sys', 'audit', 'cubbyhole', 'identity']);
const RESERVED_NAMESPACES = new Set(['root', 'sys', 'audit', 'auth', 'cubbyhole', 'identity']);

/** The mount path as /v1/auth/<mount>; undefined when it is left to TSM's default or refused. */
export function normalizeMountPath(text: string, pointer: string, report: ValidationReport) {
  if (text === '') {
    report.warn(
      pointer,
      'MOUNT_PATH_EMPTY_OMITTED',
      'Left out the empty mount path: TSM then uses its default, /v1/auth/kubernetes. ' +
        'Omit the field to say so.',
    );
    return undefined;
  }
  const mount = mountSegments(text, pointer, report);
  if (mount === undefined) return undefined;

  const normalized = `/v1/auth/${mount.join('/')}`;
  if (normalized !== text) {
    report.warn(
      pointer,
      'MOUNT_PATH_NORMALIZED',
      `Rewrote ${quote(text)} as ${quote(normalized)}: ` +
        'TSM wants the Kubernetes auth mount as /v1/auth/<mount>.',
    );
  }
  return normalized;
}

function mountSegments(text: string, pointer: string, report: ValidationReport) {
  const refused = findPathProblem(text);
  if (refused !== undefined) {
    report.error(
      pointer,
      MOUNT_PROBLEM_CODES[refused.kind],
      `The mount path ${quote(text)} ${refused.problem}, e.g. /v1/auth/kubernetes.`,
    );
    return undefined;
  }
  const segments = text.split('/').filter((segment) => segment !== '');
  // The prefixes are recognized in any case, so that /V1/auth/x does not become a mount "V1".
  const withoutVersion = segments[0]?.toLowerCase() === 'v1' ? segments.slice(1) : segments;
  const first = withoutVersion[0]?.toLowerCase() ?? '';
  if ((withoutVersion !== segments && first !== 'auth') || NON_AUTH_TOP_LEVEL.has(first)) {
    report.error(
      pointer,
      'MOUNT_PATH_OUTSIDE_AUTH',
      `${quote(text)} is not under auth/: the ` +
        'Kubernetes auth method is mounted at /v1/auth/<mount>, e.g. /v1/auth/kubernetes.',
    );
    return undefined;
  }
  const mount = first === 'auth' ? withoutVersion.slice(1) : withoutVersion;
  return checkMountName(mount, text, pointer, report);
}

function checkMountName(mount: string[], text: string, pointer: string, report: ValidationReport) {
  if (mount.length > 1 && mount.at(-1) === 'login') {
    const hint = `/v1/auth/${mount.slice(0, -1).join('/')}`;
    report.error(
      pointer,
      'MOUNT_PATH_LOGIN_ENDPOINT',
      `${quote(text)} is the login endpoint; give the mount itself: ${quote(hint)}.`,
    );
    return undefined;
  }
  if (mount.length === 0) {
    report.error(
      pointer,
      'MOUNT_PATH_NO_MOUNT',
      `${quote(text)} names no mount; give ` +
        '/v1/auth/<mount>, e.g. /v1/auth/kubernetes, or omit the field for that default.',
    );
    return undefined;
  }
  return mount;
}

/** The namespace without outer slashes; undefined for the root namespace or when refused. */
export function normalizeNamespace(text: string, pointer: string, report: ValidationReport) {
  const stripped = withoutOuterSlashes(text);
  if (stripped === '') {
    report.warn(
      pointer,
      'NAMESPACE_EMPTY_OMITTED',
      'Left out the empty namespace: TSM then ' +
        "uses Vault's root namespace. Omit the field to say so.",
    );
    return undefined;
  }
  const segments = namespaceSegments(stripped, pointer, report);
  if (segments === undefined) return undefined;
  const reserved = segments.find((segment) => RESERVED_NAMESPACES.has(segment));
  if (reserved !== undefined) {
    report.error(pointer, 'NAMESPACE_RESERVED', reservedMessage(reserved, stripped));
    return undefined;
  }
  if (stripped !== text) {
    report.warn(
      pointer,
      'NAMESPACE_SLASHES_REMOVED',
      `Removed the slashes around the namespace: ${quote(stripped)}.`,
    );
  }
  return stripped;
}

function namespaceSegments(namespace: string, pointer: string, report: ValidationReport) {
  const refused = findPathProblem(namespace);
  if (refused !== undefined) {
    report.error(
      pointer,
      NAMESPACE_PROBLEM_CODES[refused.kind],
      `The namespace ${quote(namespace)} ${refused.problem}, e.g. admin/team-a.`,
    );
    return undefined;
  }
  const segments = namespace.split('/');
  if (segments.includes('')) {
    report.error(
      pointer,
      'NAMESPACE_EMPTY_SEGMENT',
      `${quote(namespace)} has an empty ` +
        'segment; nest namespaces with single slashes, e.g. admin/team-a.',
    );
    return undefined;
  }
  const invalid = segments.find((segment) => !NAMESPACE_SEGMENT.test(segment));
  if (invalid !== undefined) {
    report.error(
      pointer,
      'NAMESPACE_SEGMENT_INVALID',
      `The namespace segment ${quote(invalid)} is not usable: a segment holds letters, digits, ` +
        '"-" and "_", and "." only between them, e.g. admin/team-a.',
    );
    return undefined;
  }
  return segments;
}

function reservedMessage(reserved: string, namespace: string): string {
  if (namespace === 'root') {
    return '"root" is not a namespace name: omit the field to use the root namespace.';
  }
  return (
    `${quote(reserved)} is reserved by Vault and is not a namespace name; use the name ` +
    'of your namespace, e.g. admin or admin/team-a.'
  );
}

function withoutOuterSlashes(text: string): string {
  // Index arithmetic, not /\/+$/: that pattern takes quadratic time on a long run of slashes.
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '/') start += 1;
  while (end > start && text[end - 1] === '/') end -= 1;
  return text.slice(start, end);
}
