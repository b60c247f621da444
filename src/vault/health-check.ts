/**
 * The health check: Vault's unauthenticated sys/health. Vault answers it with a status code per
 * state (503 sealed, 501 not initialized, 429 standby); the query below asks for 200 in every
 * state so that the body says which, and the codes are still read for a Vault that ignores it.
 */
import { checkResult, type PreflightCheck } from './preflight-report.js';
import { notRun } from './not-run.js';
import type { VaultReader } from './vault-reader.js';

type CheckResult = Omit<PreflightCheck, 'durationMs'>;

const HEALTH_PATH =
  '/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=200&uninitcode=200';
const HEALTH_STATUSES = new Set([200, 429, 472, 473, 501, 503]);

/** Reads sys/health and judges the state. */
export async function checkHealth(reader: VaultReader): Promise<CheckResult> {
  const answer = await reader.get(HEALTH_PATH);
  if (answer.kind !== 'answer') return notRun('health', answer);
  const health = healthOf(answer.status, answer.text);
  if (health === undefined) {
    return checkResult(
      'health',
      'VAULT_HEALTH_UNEXPECTED',
      `sys/health answered ${answer.status} without Vault's health fields: vaultUrl may not ` +
        'point at Vault.',
      { status: answer.status },
    );
  }
  const facts = { status: answer.status, ...health };
  if (!health.initialized) {
    return checkResult(
      'health',
      'VAULT_NOT_INITIALIZED',
      'Vault is not initialized: it cannot sign anything until an operator initializes it.',
      facts,
    );
  }
  if (health.sealed) {
    return checkResult(
      'health',
      'VAULT_SEALED',
      'Vault is sealed: it refuses to sign until an operator unseals it.',
      facts,
    );
  }
  const role = health.standby ? 'a standby node, which forwards to the active one' : 'active';
  return checkResult('health', 'VAULT_READY', `Vault is initialized, unsealed and ${role}.`, facts);
}

interface Health {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version?: string;
}

function healthOf(status: number, text: string): Health | undefined {
  if (!HEALTH_STATUSES.has(status)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { initialized, sealed, standby, version } = body as Record<string, unknown>;
  if (typeof initialized !== 'boolean' || typeof sealed !== 'boolean') return undefined;
  const health: Health = { initialized, sealed, standby: standby === true };
  if (typeof version === 'string') health.version = version.slice(0, 64);
  return health;
}
