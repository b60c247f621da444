/**
 * Names and ids: TSM ids and the CA label, display names and descriptions, the Vault role and the
 * Kubernetes service account. Each check returns the value when it is fine, undefined otherwise.
 */
import { quote, type ValidationReport } from './validation-report.js';

const IDENTIFIER = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const MAX_IDENTIFIER_LENGTH = 63;
const MAX_NAME_LENGTH = 256;
const MAX_DESCRIPTION_LENGTH = 1024;
const ROLE_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
// A DNS-1123 subdomain: dot-separated labels of lower-case alphanumerics and inner hyphens.
const DNS_1123_SUBDOMAIN =
  /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const MAX_SUBDOMAIN_LENGTH = 253;
const QUALIFIED_SERVICE_ACCOUNT = /^system:serviceaccount:[^:]*:(.*)$/;
const SERVICE_ACCOUNT_RULE =
  'at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';

/** Checks a TSM id or the CA label: letters, digits, ".", "_", "-", at most 63 characters. */
export function checkIdentifier(
  value: string,
  pointer: string,
  code: 'ID_INVALID' | 'LABEL_INVALID',
  report: ValidationReport,
): string | undefined {
  const what = code === 'LABEL_INVALID' ? 'a CA label' : 'a TSM id';
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    report.error(
      pointer,
      code,
      `Use at most 63 characters for ${what}; this one has ${value.length}.`,
    );
    return undefined;
  }
  if (!IDENTIFIER.test(value)) {
    report.error(
      pointer,
      code,
      `${quote(value)} is not usable: ${what} holds letters, digits, ".", "_" and ` +
        '"-", and starts and ends with a letter or digit.',
    );
    return undefined;
  }
  return value;
}

/** Checks a display name: 1 to 256 characters. */
export function checkName(value: string, pointer: string, report: ValidationReport) {
  const length = [...value].length;
  if (length === 0 || length > MAX_NAME_LENGTH) {
    report.error(
      pointer,
      'NAME_INVALID',
      `A name has 1 to 256 characters (this one has ${length}); omit it to use the id.`,
    );
    return undefined;
  }
  return value;
}

/** Checks a description: at most 1024 characters. */
export function checkDescription(value: string, pointer: string, report: ValidationReport) {
  const length = [...value].length;
  if (length > MAX_DESCRIPTION_LENGTH) {
    report.error(
      pointer,
      'DESCRIPTION_TOO_LONG',
      `A description has at most 1024 characters; this one has ${length}. Shorten it.`,
    );
    return undefined;
  }
  return value;
}

/** True for a Vault role name (see ROLE_NAME_RULE). */
export function isRoleName(value: string): boolean {
  return ROLE_NAME.test(value);
}

/** The rule for role names, worded for messages. */
export const ROLE_NAME_RULE =
  'a Vault role name holds letters, digits, "_", "-" and ".", ' +
  'and starts and ends with a letter, digit or "_"';

/** Checks the Vault role that the service account logs in with. */
export function checkRoleName(value: string, pointer: string, report: ValidationReport) {
  if (isRoleName(value)) return value;
  report.error(pointer, 'ROLE_NAME_INVALID', `${quote(value)} is not usable: ${ROLE_NAME_RULE}.`);
  return undefined;
}

/** Checks a Kubernetes service account name: a bare DNS-1123 subdomain. */
export function checkServiceAccountName(value: string, pointer: string, report: ValidationReport) {
  const qualified = QUALIFIED_SERVICE_ACCOUNT.exec(value);
  if (qualified !== null) {
    report.error(pointer, 'SERVICE_ACCOUNT_QUALIFIED', qualifiedMessage(qualified[1] ?? ''));
    return undefined;
  }
  if (isServiceAccountName(value)) return value;

  if (/[A-Z]/.test(value) && isServiceAccountName(value.toLowerCase())) {
    report.error(
      pointer,
      'SERVICE_ACCOUNT_UPPERCASE',
      `Kubernetes service account names are lower case: use ${quote(value.toLowerCase())}.`,
    );
    return undefined;
  }
  report.error(
    pointer,
    'SERVICE_ACCOUNT_INVALID',
    `${quote(value)} is not a Kubernetes service account name: ${SERVICE_ACCOUNT_RULE}.`,
  );
  return undefined;
}

function isServiceAccountName(value: string): boolean {
  return value.length <= MAX_SUBDOMAIN_LENGTH && DNS_1123_SUBDOMAIN.test(value);
}

/** The advice for a system:serviceaccount:<namespace>:<name> form, whatever its name holds. */
function qualifiedMessage(name: string): string {
  const form = 'not the system:serviceaccount:<namespace>:<name> form';
  if (isServiceAccountName(name))
    return `Give the bare service account name ${quote(name)}, ${form}.`;
  const lower = name.toLowerCase();
  if (isServiceAccountName(lower)) {
    return `Give the bare service account name in lower case, ${quote(lower)}, ${form}.`;
  }
  return (
    `Give the bare service account name, ${form}; and ${quote(name)} is not a service ` +
    `account name either: ${SERVICE_ACCOUNT_RULE}.`
  );
}
