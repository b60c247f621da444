/**
 * The Vault preflight: checks a validated request against the Vault server itself before
 * anything reaches TSM. This is the one function to call, from a run or from a preview; it never
 * throws for what Vault does, and takes at most about three timeouts (TLS, then the reads).
 */
import type { NormalizedIntegration } from '../domain/normalized-integration.js';
import { RANGE_MEANINGS } from '../domain/unroutable-address.js';
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
import { resolveVaultHost, type VaultAddresses } from './vault-address.js';
import { createVaultReader } from './vault-reader.js';
import { vaultTargetOf, type VaultTarget } from './vault-target.js';

/** How the preflight runs. */
export interface PreflightOptions {
  mode: Exclude<PreflightMode, 'off'>;
  /** Bound of each connection and read (and of resolving Vault's host). */
  timeoutMs: number;
  /** VAULT_ALLOW_LOOPBACK: a host resolving to loopback may be connected to. */
  allowLoopback: boolean;
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
  const checks = await runChecks(target, options);
  return {
    mode: options.mode,
    outcome: overallOutcome(checks),
    vaultUrl: target.url,
    startedAt: startedAt.toISOString(),
    durationMs: now().getTime() - startedAt.getTime(),
    checks,
  };
}

async function runChecks(target: VaultTarget, options: PreflightOptions) {
  const started = performance.now();
  const addresses = await resolveVaultHost(target.host, options);
  if (addresses.kind !== 'resolved') {
    const cause = { ...unconnected(target, addresses), durationMs: msSince(started) };
    return [cause, ...LATER_CHECKS.map((name) => skipped(name, cause))];
  }
  const tls = await timed(() => checkTls(target, addresses.lookup, options.timeoutMs));
  if (tls.code === 'VAULT_UNREACHABLE' || tls.code === 'VAULT_TIMEOUT') {
    // The same host and port: the reads would only wait for the same silence again.
    return [tls, ...LATER_CHECKS.map((name) => skipped(name, tls))];
  }
  const reader = createVaultReader(target.url, addresses.lookup, options.timeoutMs);
  try {
    const [health, mount] = await Promise.all([
      timed(() => checkHealth(reader)),
      timedReading(() => checkPkiMount(target, reader)),
    ]);
    const issuingCa = await timed(() => Promise.resolve(checkIssuingCa(target, mount.reading)));
    return [tls, health, mount.check, issuingCa];
  } finally {
    await reader.close();
  }
}

const LATER_CHECKS = ['health', 'pki_mount', 'issuing_ca'] as const;

/** The first check's outcome when no connection was made: refused, unresolved or too slow. */
function unconnected(
  target: VaultTarget,
  addresses: Exclude<VaultAddresses, { kind: 'resolved' }>,
): Omit<PreflightCheck, 'durationMs'> {
  if (addresses.kind === 'timeout') {
    return checkResult(
      'tls',
      'VAULT_TIMEOUT',
      `The host of ${target.url} did not resolve in time.`,
    );
  }
  if (addresses.kind === 'unresolved') {
    return checkResult(
      'tls',
      'VAULT_UNREACHABLE',
      `${target.url} could not be reached from this service (${addresses.reason}).`,
    );
  }
  return checkResult(
    'tls',
    'VAULT_ADDRESS_NOT_ROUTABLE',
    `The host of ${target.url} resolves here to ${RANGE_MEANINGS[addresses.range]}; this ` +
      'service does not connect there, so nothing was checked. The clusters may resolve the ' +
      'name otherwise; if they resolve it the same way, they cannot reach Vault at it.',
  );
}

function skipped(name: PreflightCheckName, cause: PreflightCheck): PreflightCheck {
  const detail = `Not tried: the TLS check already found no way to Vault (${cause.code}).`;
  return { ...checkResult(name, cause.code, detail), durationMs: 0 };
}

async function timed<T extends object>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const result = await work();
  return { ...result, durationMs: msSince(started) };
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
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
