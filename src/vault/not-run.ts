/**
 * A check that got no usable answer from Vault: not run, never failed. From here Vault may be
 * out of reach while the clusters reach it fine, so silence is not a mismatch.
 */
import { checkResult, type PreflightCheck, type PreflightCheckName } from './preflight-report.js';
import type { VaultAnswer } from './vault-reader.js';

/** The not-run outcome for a read that timed out or could not connect. */
export function notRun(
  name: PreflightCheckName,
  answer: Exclude<VaultAnswer, { kind: 'answer' }>,
): Omit<PreflightCheck, 'durationMs'> {
  return answer.kind === 'timeout'
    ? checkResult(name, 'VAULT_TIMEOUT', 'Vault did not answer in time.')
    : checkResult(name, 'VAULT_UNREACHABLE', `Vault could not be reached (${answer.reason}).`);
}

/** The not-run outcome for an answer Vault gave while it could not serve (sealed, 5xx). */
export function unavailable(
  name: PreflightCheckName,
  status: number,
): Omit<PreflightCheck, 'durationMs'> {
  return checkResult(
    name,
    'VAULT_UNAVAILABLE',
    `Vault answered ${status}: it cannot serve this now (sealed or failing), so the check could ` +
      'not run.',
    { status },
  );
}
