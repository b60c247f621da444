/**
 * What the preflight tests over HTTP share: posting a request aimed at a simulated Vault, and
 * reading the preflight back from the answer and the audit trail as a caller would.
 */
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { Answer, Harness } from '../../support/service-harness.js';
import { auditRecords } from '../../http/support/http-expectations.js';
import { requestFor } from '../../vault/support/vault-world.js';

/** A preflight check as the API answers it. */
export interface CheckJson {
  name: string;
  outcome: string;
  code: string;
  detail: string;
  facts?: Record<string, unknown>;
}

/** The integration as the tests read it. */
export interface IntegrationJson {
  id: string;
  status: string;
  warnings: { pointer: string; code: string; message: string }[];
  preflight?: { mode: string; outcome: string; vaultUrl: string; checks: CheckJson[] };
}

/** POSTs the documentation's integration pointed at `vaultUrl` with `bundle` as its CA bundle. */
export function postFor(
  harness: Harness,
  vaultUrl: string,
  bundle: string | undefined,
  overrides: Parameters<typeof requestFor>[2] = {},
): Promise<Answer> {
  return harness.call('POST', '/vault-integrations', {
    body: requestFor(vaultUrl, bundle, overrides),
  });
}

/** The integration of a 201, or of a problem that carries one. */
export function integrationOf(answer: Answer): IntegrationJson {
  const body = answer.body as Record<string, unknown>;
  return (answer.status === 201 ? body : body.integration) as IntegrationJson;
}

/** Each check's code by name. */
export function codesOf(integration: IntegrationJson): Record<string, string> {
  const checks = integration.preflight?.checks ?? [];
  return Object.fromEntries(checks.map((check) => [check.name, check.code]));
}

/** The warnings the preflight added, by code and pointer. */
export function preflightWarnings(integration: IntegrationJson) {
  return integration.warnings.filter((warning) => warning.code.startsWith('VAULT_PREFLIGHT'));
}

/** The one preflight audit record of an integration, read through GET /audit-records. */
export async function preflightRecord(harness: Harness, integrationId: string) {
  const records = await auditRecords(harness, {
    integrationId,
    action: 'integration.preflight_checked',
  });
  expect(records).toHaveLength(1);
  return records[0]!.details as { mode: string; outcome: string; checks: unknown[] };
}

/** The SHA-256 fingerprint of a PEM certificate, as the preflight prints it. */
export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
