/**
 * The semantic checks of each section of the request, applied to every field that is
 * structurally fine, and the normalized section built from them with the defaults applied.
 */
import { normalizeCaBundlePem } from './ca-bundle.js';
import {
  checkDescription,
  checkIdentifier,
  checkName,
  checkRoleName,
  checkServiceAccountName,
} from './identifiers.js';
import type {
  NormalizedAccount,
  NormalizedCertificateAuthority,
  ReferencedCaBundle,
  UploadedCaBundle,
} from './normalized-integration.js';
import type { SectionReader } from './section-reader.js';
import type { ValidationReport } from './validation-report.js';
import { normalizeMountPath, normalizeNamespace } from './vault-fields.js';
import { normalizeSignPath } from './vault-sign-path.js';
import { normalizeVaultUrl } from './vault-url.js';

type FieldCheck = (value: string, pointer: string, report: ValidationReport) => string | undefined;

/** The options of validation that come from the service, not from the caller. */
export interface SectionOptions {
  allowHttpVault: boolean;
  /** Loopback Vault URLs for a local test Vault; default false. */
  allowLoopbackVault?: boolean;
  now: Date;
}

function field(fields: SectionReader, key: string, report: ValidationReport, check: FieldCheck) {
  const value = fields.text(key);
  return value === undefined ? undefined : check(value, fields.pointerOf(key), report);
}

const id: FieldCheck = (value, pointer, report) =>
  checkIdentifier(value, pointer, 'ID_INVALID', report);

/** The id, name and description every section has; name defaults to the id, description to "". */
function common(fields: SectionReader, report: ValidationReport) {
  const idValue = field(fields, 'id', report, id);
  const name = field(fields, 'name', report, checkName);
  const description = field(fields, 'description', report, checkDescription);
  const nameOk = name !== undefined || !fields.has('name');
  const descriptionOk = description !== undefined || !fields.has('description');
  if (idValue === undefined || !nameOk || !descriptionOk) return undefined;
  return { id: idValue, name: name ?? idValue, description: description ?? '' };
}

/** The CA bundle section: an upload when it has a PEM, otherwise a reference to one in TSM. */
export function normalizeCaBundle(
  fields: SectionReader,
  options: SectionOptions,
  report: ValidationReport,
): UploadedCaBundle | ReferencedCaBundle | undefined {
  if (!fields.has('pem')) return referenceCaBundle(fields, report);

  const basics = common(fields, report);
  const pem = fields.raw('pem');
  const bundle =
    pem === undefined
      ? undefined
      : normalizeCaBundlePem(pem, options.now, fields.pointerOf('pem'), report);
  if (basics === undefined || bundle === undefined) return undefined;
  return { mode: 'upload', ...basics, ...bundle };
}

function referenceCaBundle(fields: SectionReader, report: ValidationReport) {
  for (const key of ['name', 'description']) {
    if (!fields.has(key)) continue;
    report.error(
      fields.pointerOf(key),
      'CA_BUNDLE_REFERENCE_FIELDS',
      'Without a pem the CA bundle only references a bundle in TSM, which is never changed, ' +
        `so ${key} would be ignored: drop ${key}, or give the pem to upload the bundle.`,
    );
  }
  const idValue = field(fields, 'id', report, id);
  return idValue === undefined ? undefined : { mode: 'reference' as const, id: idValue };
}

/** The external account section. */
export function normalizeAccount(
  fields: SectionReader,
  options: SectionOptions,
  report: ValidationReport,
): NormalizedAccount | undefined {
  const basics = common(fields, report);
  const vaultUrl = field(fields, 'vaultUrl', report, (value, pointer) =>
    normalizeVaultUrl(
      value,
      pointer,
      { allowHttp: options.allowHttpVault, allowLoopback: options.allowLoopbackVault === true },
      report,
    ),
  );
  const serviceAccountName = field(fields, 'serviceAccountName', report, checkServiceAccountName);
  const roleName = field(fields, 'roleName', report, checkRoleName);
  const mountPath = field(fields, 'mountPath', report, normalizeMountPath);
  const namespace = field(fields, 'namespace', report, normalizeNamespace);
  if (basics === undefined || vaultUrl === undefined) return undefined;
  if (serviceAccountName === undefined || roleName === undefined) return undefined;

  const account: NormalizedAccount = { ...basics, vaultUrl, serviceAccountName, roleName };
  // An empty mount path or namespace is left out on purpose (TSM's default); an invalid one
  // has already been reported as an error, so the account is never used.
  if (mountPath !== undefined) account.mountPath = mountPath;
  if (namespace !== undefined) account.namespace = namespace;
  return account;
}

/** The certificate authority section. */
export function normalizeCertificateAuthority(
  fields: SectionReader,
  report: ValidationReport,
): NormalizedCertificateAuthority | undefined {
  const basics = common(fields, report);
  const label = field(fields, 'label', report, (value, pointer) =>
    checkIdentifier(value, pointer, 'LABEL_INVALID', report),
  );
  const vaultPath = field(fields, 'vaultPath', report, normalizeSignPath);
  if (basics === undefined || label === undefined || vaultPath === undefined) return undefined;
  return { ...basics, label, vaultPath };
}
