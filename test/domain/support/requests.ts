/**
 * Requests for the validator's tests: a valid request built from the values of TSM's
 * documentation, variations of it, and a `validate` that also proves every finding carries a
 * code of the registry with the right severity.
 */
import { expect } from 'vitest';
import type { Finding } from '../../../src/domain/findings.js';
import {
  validateIntegrationRequest,
  type ValidationOptions,
  type ValidationResult,
} from '../../../src/domain/validate-request.js';
import { VALIDATION_CODES } from '../../../src/domain/validation-codes.js';

/** A request as a test builds it: sections of loose JSON, so tests can put anything in. */
export interface RequestBody {
  caBundle?: Record<string, unknown>;
  account: Record<string, unknown>;
  certificateAuthority: Record<string, unknown>;
  [key: string]: unknown;
}

/** A valid request without a CA bundle (Vault signed by a publicly trusted root). */
export function validRequest(): RequestBody {
  return {
    account: {
      id: 'my-vault-account',
      vaultUrl: 'https://vault.example.internal:8200',
      serviceAccountName: 'vault-issuer',
      roleName: 'pki_int',
    },
    certificateAuthority: {
      id: 'my-vault-ca-configuration',
      label: 'my-ca-label',
      vaultPath: 'pki_int/sign/example-dot-com',
    },
  };
}

/** The valid request with some fields of the account replaced. */
export function withAccount(fields: Record<string, unknown>): RequestBody {
  const request = validRequest();
  return { ...request, account: { ...request.account, ...fields } };
}

/** The valid request with some fields of the certificate authority replaced. */
export function withCertificateAuthority(fields: Record<string, unknown>): RequestBody {
  const request = validRequest();
  return { ...request, certificateAuthority: { ...request.certificateAuthority, ...fields } };
}

/** The valid request with a CA bundle section. */
export function withCaBundle(fields: Record<string, unknown>): RequestBody {
  return { ...validRequest(), caBundle: { id: 'my-CA-bundle', ...fields } };
}

/** Validates, and checks that every finding's code is registered with its severity. */
export function validate(input: unknown, options: Partial<ValidationOptions> = {}) {
  const result = validateIntegrationRequest(input, {
    allowHttpVault: false,
    now: new Date(),
    ...options,
  });
  const errors = result.ok ? [] : result.errors;
  for (const finding of errors) expect(severityOf(finding)).toBe('error');
  for (const finding of result.warnings) expect(severityOf(finding)).toBe('warning');
  return result;
}

function severityOf(finding: Finding): string {
  const entry = Object.entries(VALIDATION_CODES).find(([code]) => code === finding.code);
  return entry === undefined ? `unregistered code ${finding.code}` : entry[1].severity;
}

/** The errors of a result, or a test failure when it passed. */
export function errorsOf(result: ValidationResult): Finding[] {
  if (result.ok) throw new Error('expected the request to be refused, but it was accepted');
  return result.errors;
}

/** The normalized integration of a result, or a test failure listing the errors. */
export function integrationOf(result: ValidationResult) {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.integration;
}

/** Pointer and code of each finding: what a caller branches on. */
export function codes(findings: Finding[]): Array<{ pointer: string; code: string }> {
  return findings.map(({ pointer, code }) => ({ pointer, code }));
}
