/**
 * What the Vault preflight reports: one outcome per check, each with a stable code, a sentence
 * for a human and the facts it saw. Stored inside the integration and answered with it, so it
 * holds certificate summaries and Vault's public health only: nothing secret is ever read.
 */

/** The modes of VAULT_PREFLIGHT and of a request's vaultPreflight, laxest first. */
export const PREFLIGHT_MODES = ['off', 'warn', 'require'] as const;

/** off: no check. warn: failed checks become warnings. require: a failed check refuses. */
export type PreflightMode = (typeof PREFLIGHT_MODES)[number];

/** The checks, in the order they run. */
export const PREFLIGHT_CHECKS = ['tls', 'health', 'pki_mount', 'issuing_ca'] as const;

export type PreflightCheckName = (typeof PREFLIGHT_CHECKS)[number];

/**
 * passed: the check ran and found nothing wrong. failed: it ran and found a mismatch.
 * not_run: it could not run (Vault unreachable, nothing to compare with); never a mismatch.
 */
export type CheckOutcome = 'passed' | 'failed' | 'not_run';

/** Every code a check can report, with the outcome it goes with. */
export const PREFLIGHT_CODES = {
  TLS_VERIFIED: 'passed',
  TLS_UNTRUSTED: 'failed',
  TLS_HOST_NAME_MISMATCH: 'failed',
  TLS_NOT_USED: 'not_run',
  VAULT_READY: 'passed',
  VAULT_SEALED: 'failed',
  VAULT_NOT_INITIALIZED: 'failed',
  VAULT_HEALTH_UNEXPECTED: 'failed',
  PKI_MOUNT_FOUND: 'passed',
  PKI_MOUNT_NOT_FOUND: 'failed',
  PKI_NO_ISSUING_CA: 'failed',
  ISSUING_CA_TRUSTED: 'passed',
  ISSUING_CA_NOT_TRUSTED: 'failed',
  CA_BUNDLE_NOT_IN_REQUEST: 'not_run',
  PKI_MOUNT_NOT_READ: 'not_run',
  VAULT_UNREACHABLE: 'not_run',
  VAULT_TIMEOUT: 'not_run',
  VAULT_UNAVAILABLE: 'not_run',
  VAULT_ADDRESS_NOT_ROUTABLE: 'not_run',
} as const satisfies Record<string, CheckOutcome>;

export type PreflightCode = keyof typeof PREFLIGHT_CODES;

/** Facts about one certificate Vault presented or served; safe to store and show. */
export interface SeenCertificate {
  subject: string;
  issuer: string;
  /** SHA-256 of the DER, upper-case hex pairs joined by ":". */
  fingerprint256: string;
  notAfter: string;
}

/** The outcome of one check. `facts` holds what it saw, by check (see the README). */
export interface PreflightCheck {
  name: PreflightCheckName;
  outcome: CheckOutcome;
  code: PreflightCode;
  detail: string;
  durationMs: number;
  facts?: Record<string, unknown>;
}

/** passed: every check passed. failed: one or more failed. incomplete: none failed, some not run. */
export type PreflightOutcome = 'passed' | 'failed' | 'incomplete';

/** The preflight of one integration, as stored, audited and answered. */
export interface VaultPreflight {
  mode: Exclude<PreflightMode, 'off'>;
  outcome: PreflightOutcome;
  vaultUrl: string;
  startedAt: string;
  durationMs: number;
  checks: PreflightCheck[];
}

/** A check's outcome from its code, so the two can never disagree. */
export function checkResult(
  name: PreflightCheckName,
  code: PreflightCode,
  detail: string,
  facts?: Record<string, unknown>,
): Omit<PreflightCheck, 'durationMs'> {
  const result: Omit<PreflightCheck, 'durationMs'> = {
    name,
    outcome: PREFLIGHT_CODES[code],
    code,
    detail,
  };
  if (facts !== undefined) result.facts = facts;
  return result;
}

/** The overall outcome of a set of checks. */
export function overallOutcome(checks: PreflightCheck[]): PreflightOutcome {
  if (checks.some((check) => check.outcome === 'failed')) return 'failed';
  return checks.every((check) => check.outcome === 'passed') ? 'passed' : 'incomplete';
}

/** The stricter of the service's mode and the one a request asks for. */
export function effectiveMode(configured: PreflightMode, requested?: PreflightMode): PreflightMode {
  if (requested === undefined) return configured;
  return PREFLIGHT_MODES.indexOf(requested) > PREFLIGHT_MODES.indexOf(configured)
    ? requested
    : configured;
}
