/**
 * The preflight phase: before the first TSM read, the request is checked against Vault itself.
 * Its outcome is kept in the integration and in an audit record whatever the mode; under warn a
 * failed check becomes a warning, under require it ends the integration before TSM is called.
 * A check that could not run never refuses: Vault may be out of reach from here only.
 */
import type { Warning } from '../domain/findings.js';
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import {
  effectiveMode,
  type PreflightCheck,
  type PreflightMode,
  type VaultPreflight,
} from '../vault/preflight-report.js';
import type { IntegrationRun } from './integration-run.js';
import type { IntegrationFailure } from './integration.js';

/** The service's preflight: its mode, the floor of every request, and how checks are run. */
export interface PreflightSettings {
  mode: PreflightMode;
  /** Runs the checks; the service binds runVaultPreflight to VAULT_PREFLIGHT_TIMEOUT_MS. */
  check(
    integration: NormalizedIntegration,
    mode: Exclude<PreflightMode, 'off'>,
  ): Promise<VaultPreflight>;
}

/** What the preflight means for one request: its report, the warnings, and a refusal. */
export interface PreflightVerdict {
  /** The mode that applied: the stricter of the service's and the request's. */
  mode: PreflightMode;
  /** Absent when the mode is off. */
  preflight?: VaultPreflight;
  warnings: Warning[];
  /** Set under require when a check failed: the integration must not reach TSM. */
  failure?: IntegrationFailure;
}

/** Where each check points in the request, for its warning. */
const POINTERS: Record<PreflightCheck['name'], string> = {
  tls: '/account/vaultUrl',
  health: '/account/vaultUrl',
  pki_mount: '/certificateAuthority/vaultPath',
  issuing_ca: '/caBundle/pem',
};

/**
 * Runs the preflight of a validated request and judges it; it writes nothing. The run below
 * calls it, and so can a preview (dryRun) that must show the same verdict without acting on it.
 */
export async function judgePreflight(
  settings: PreflightSettings | undefined,
  integration: NormalizedIntegration,
): Promise<PreflightVerdict> {
  const requested = integration.vaultPreflight;
  const mode = effectiveMode(settings?.mode ?? 'off', requested);
  const warnings: Warning[] = [];
  if (requested !== undefined && mode !== requested) warnings.push(raisedWarning(requested, mode));
  if (mode === 'off' || settings === undefined) return { mode, warnings };

  const preflight = await settings.check(integration, mode);
  const failed = preflight.checks.filter((check) => check.outcome === 'failed');
  if (mode === 'warn') warnings.push(...failed.map(checkWarning));
  const unreached = preflight.checks.find((check) => UNREACHED_CODES.has(check.code));
  if (unreached !== undefined) warnings.push(notRunWarning(preflight.vaultUrl, unreached));
  const verdict: PreflightVerdict = { mode, preflight, warnings };
  if (mode === 'require' && failed.length > 0) verdict.failure = preflightFailure(failed);
  return verdict;
}

/** Runs the preflight when the mode asks for it; the failure that ends the run, if any. */
export async function preflightPhase(
  run: IntegrationRun,
  integration: NormalizedIntegration,
): Promise<IntegrationFailure | undefined> {
  run.phase = 'preflight';
  run.assertRunning();
  const verdict = await judgePreflight(run.deps.vaultPreflight, integration);
  run.integration.warnings.push(...verdict.warnings);
  if (verdict.preflight === undefined) return undefined;

  run.integration.preflight = verdict.preflight;
  run.audit('integration.preflight_checked', preflightDetails(verdict.preflight));
  logPreflight(run, verdict.preflight);
  await run.save();
  return verdict.failure;
}

/** Codes and outcomes only, like the other audit records: the sentences stay in the answer. */
export function preflightDetails(preflight: VaultPreflight): Record<string, unknown> {
  return {
    mode: preflight.mode,
    outcome: preflight.outcome,
    vaultUrl: preflight.vaultUrl,
    durationMs: preflight.durationMs,
    checks: preflight.checks.map(({ name, outcome, code }) => ({ name, outcome, code })),
  };
}

/** The failure of a required preflight: every failed check, and nothing sent to TSM. */
export function preflightFailure(failed: PreflightCheck[]): IntegrationFailure {
  const named = failed.map((check) => `${check.name} (${check.code}): ${check.detail}`);
  return {
    code: 'VAULT_PREFLIGHT_FAILED',
    detail:
      `The request does not match the Vault it names: ${named.join(' ')} Nothing was sent to ` +
      'TSM. Fix the request (or Vault), then send it again.',
  };
}

function checkWarning(check: PreflightCheck): Warning {
  return {
    pointer: POINTERS[check.name],
    code: 'VAULT_PREFLIGHT_CHECK_FAILED',
    message: `Vault preflight ${check.name} (${check.code}): ${check.detail}`,
  };
}

/** Codes meaning Vault did not answer at all: nothing was compared, so nothing can be wrong. */
const UNREACHED_CODES: ReadonlySet<PreflightCheck['code']> = new Set([
  'VAULT_UNREACHABLE',
  'VAULT_TIMEOUT',
  'VAULT_ADDRESS_NOT_ROUTABLE',
]);

/**
 * Said whatever the mode, and never a refusal: the caller would otherwise believe the request
 * was checked against Vault when it was not. Worded to hold for a create and for a preview alike
 * (whose plan may stop for other reasons): it says what the preflight did not do, not what
 * happened next.
 */
function notRunWarning(vaultUrl: string, check: PreflightCheck): Warning {
  if (check.code === 'VAULT_ADDRESS_NOT_ROUTABLE') {
    return {
      pointer: '/account/vaultUrl',
      code: 'VAULT_PREFLIGHT_NOT_RUN',
      message:
        `The host of ${vaultUrl} resolves, from this service, to a loopback, link-local or ` +
        'other address that is never Vault for the clusters, so the preflight did not connect ' +
        'and checked nothing. That alone never stops an integration. Make sure the clusters ' +
        'resolve the name to Vault.',
    };
  }
  return {
    pointer: '/account/vaultUrl',
    code: 'VAULT_PREFLIGHT_NOT_RUN',
    message:
      `Vault at ${vaultUrl} could not be reached from this service (${check.code}), so the ` +
      'preflight checked nothing. That alone never stops an integration, and it is not a ' +
      'mismatch: if TSM reaches Vault by another route, nothing is wrong. Otherwise check the ' +
      'URL, or run the service where Vault is reachable (VAULT_PREFLIGHT=off silences this).',
  };
}

function raisedWarning(requested: PreflightMode, mode: PreflightMode): Warning {
  return {
    pointer: '/vaultPreflight',
    code: 'VAULT_PREFLIGHT_RAISED',
    message:
      `Asked for vaultPreflight "${requested}", but the service runs at least "${mode}" ` +
      '(VAULT_PREFLIGHT); a request may ask only for stricter.',
  };
}

function logPreflight(run: IntegrationRun, preflight: VaultPreflight): void {
  const codes = preflight.checks.map(({ name, code }) => `${name}:${code}`);
  if (preflight.outcome === 'passed') run.logger.debug({ codes }, 'vault preflight passed');
  else run.logger.info({ outcome: preflight.outcome, codes }, 'vault preflight not passed');
}
