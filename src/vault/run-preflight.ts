/**
 * The Vault preflight: checks a validated request against the Vault server itself before
 * anything reaches TSM. This is the one function to call, from a run or from a preview; it never
 * throws for what Vault does, and takes at most about three timeouts (TLS, then the reads).
 */
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import { checkHealth } from './health-check.js';
import { checkIssuingCa, checkPkiMount } from './pki-checks.js';
import {
  checkResult,
  overallOutcome,
  type PreflightCheck,
  type PreflightCheckName,
  type PreflightMode,
  type VaultPreflight,
} from './preflight-report.js';
import { checkTls } from './tls-check.js';
import { createVaultReader } from './vault-reader.js';
import { vaultTargetOf } from './vault-target.js';

/** How the preflight runs. */
export interface PreflightOptions {
  mode: Exclude<PreflightMode, 'off'>;
  /** Bound of each connection and read. */
  timeoutMs: number;
  now?: () => Date;
}

type Timed<T> = T & { durationMs: number };

/** Runs every check against the Vault of `integration` and reports each outcome. */
export async function runVaultPreflight(
  integration: NormalizedIntegration,
  options: PreflightOptions,
): Promise<VaultPreflight> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const target = vaultTargetOf(integration);
  const tls = await timed(() => checkTls(target, options.timeoutMs));
  const checks: PreflightCheck[] = [tls];

  if (tls.code === 'VAULT_UNREACHABLE' || tls.code === 'VAULT_TIMEOUT') {
    // The same host and port: the reads would only wait for the same silence again.
    for (const name of ['health', 'pki_mount', 'issuing_ca'] as const) {
      checks.push(skipped(name, tls));
    }
  } else {
    const reader = createVaultReader(target.url, options.timeoutMs);
    try {
      const [health, mount] = await Promise.all([
        timed(() => checkHealth(reader)),
        timedReading(() => checkPkiMount(target, reader)),
      ]);
      const issuingCa = await timed(() => Promise.resolve(checkIssuingCa(target, mount.reading)));
      checks.push(health, mount.check, issuingCa);
    } finally {
      await reader.close();
    }
  }
  return {
    mode: options.mode,
    outcome: overallOutcome(checks),
    vaultUrl: target.url,
    startedAt: startedAt.toISOString(),
    durationMs: now().getTime() - startedAt.getTime(),
    checks,
  };
}

function skipped(name: PreflightCheckName, cause: PreflightCheck): PreflightCheck {
  const detail = `Not tried: the TLS connection to Vault already failed (${cause.code}).`;
  return { ...checkResult(name, cause.code, detail), durationMs: 0 };
}

async function timed<T extends object>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const result = await work();
  return { ...result, durationMs: Math.round(performance.now() - started) };
}

async function timedReading<R extends { result: Omit<PreflightCheck, 'durationMs'> }>(
  work: () => Promise<R>,
): Promise<{ reading: R; check: PreflightCheck }> {
  const started = performance.now();
  const reading = await work();
  return {
    reading,
    check: { ...reading.result, durationMs: Math.round(performance.now() - started) },
  };
}
