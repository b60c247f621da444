/**
 * The entry point of validation: any JSON value in, either the normalized integration or every
 * error at once out, with the warnings about what was tidied. It never throws, whatever the
 * input: structure is checked against the TypeBox schema, meaning field by field.
 */
import type { FieldError, Warning } from './findings.js';
import { isJsonObject } from './json-pointer.js';
import type { NormalizedIntegration } from './normalized-integration.js';
import { reportPrivateKeys } from './private-key.js';
import {
  normalizeAccount,
  normalizeCaBundle,
  normalizeCertificateAuthority,
  type SectionOptions,
} from './request-sections.js';
import { reportStructureErrors } from './request-structure.js';
import { SectionReader } from './section-reader.js';
import { ValidationReport } from './validation-report.js';

/**
 * What the service decides for validation: http and loopback Vault URLs, and the time to check
 * validity.
 */
export interface ValidationOptions {
  allowHttpVault: boolean;
  /** VAULT_ALLOW_LOOPBACK: loopback Vault URLs for a local test Vault; default false. */
  allowLoopbackVault?: boolean;
  now: Date;
}

/** The outcome of validation: the integration to create, or every error; warnings either way. */
export type ValidationResult =
  | { ok: true; integration: NormalizedIntegration; warnings: Warning[] }
  | { ok: false; errors: FieldError[]; warnings: Warning[] };

const PEM_POINTER = '/caBundle/pem';

/** Validates and normalizes a request body as JSON.parse gave it. */
export function validateIntegrationRequest(
  input: unknown,
  options: ValidationOptions,
): ValidationResult {
  const report = new ValidationReport();
  if (!isJsonObject(input)) {
    report.error(
      '',
      'BODY_NOT_OBJECT',
      'Send a JSON object with the sections account, certificateAuthority and, ' +
        'optionally, caBundle.',
    );
    return failure(report);
  }
  const pemIsText = isJsonObject(input.caBundle) && typeof input.caBundle.pem === 'string';
  const privateKeys = reportPrivateKeys(input, pemIsText ? PEM_POINTER : undefined, report);
  reportStructureErrors(input, privateKeys.names, report);

  const reader = (key: string) =>
    new SectionReader(input[key], `/${key}`, report, privateKeys.fields);
  const integration = normalizeSections(input, reader, options, report);
  if (integration === undefined || report.errorCount > 0) return failure(report);
  return { ok: true, integration, warnings: report.listWarnings() };
}

function normalizeSections(
  input: Record<string, unknown>,
  reader: (key: string) => SectionReader,
  options: SectionOptions,
  report: ValidationReport,
): NormalizedIntegration | undefined {
  const caBundle = Object.hasOwn(input, 'caBundle')
    ? normalizeCaBundle(reader('caBundle'), options, report)
    : undefined;
  const account = normalizeAccount(reader('account'), options, report);
  const certificateAuthority = normalizeCertificateAuthority(
    reader('certificateAuthority'),
    report,
  );
  if (account === undefined || certificateAuthority === undefined) return undefined;

  const onExisting = input.onExisting === 'replace' ? 'replace' : 'reject';
  const integration: NormalizedIntegration = { account, certificateAuthority, onExisting };
  if (caBundle !== undefined) integration.caBundle = caBundle;
  const preflight = input.vaultPreflight;
  if (preflight === 'off' || preflight === 'warn' || preflight === 'require') {
    integration.vaultPreflight = preflight;
  }
  return integration;
}

function failure(report: ValidationReport): ValidationResult {
  return { ok: false, errors: report.listErrors(), warnings: report.listWarnings() };
}
