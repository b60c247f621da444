/**
 * What the lifecycle tests share: the integration as a caller reads it, the resources the
 * simulated TSM holds, and the TSM calls it received.
 */
import { expect, vi } from 'vitest';
import type { Harness } from '../support/service-harness.js';
import { tsmWrites } from '../support/requests.js';

/** An integration as answered, with the fields the tests read. */
export interface IntegrationView {
  id: string;
  status: string;
  caLabel: string;
  actor: string;
  resources: { kind: string; id: string; outcome: string }[];
  steps: { name: string; kind: string; method: string; result: string }[];
  failure?: { code: string; causeCode?: string; kind?: string; tsmStatus?: number };
  leftInTsm?: { kind: string; id: string; state: string }[];
  deletion?: { actor: string; requestId: string; startedAt: string; finishedAt?: string };
  createdAt: string;
}

/** A problem answer, with the fields the tests read. */
export interface ProblemView {
  code: string;
  detail: string;
  integration?: IntegrationView;
  errors?: { pointer: string; code: string; message: string }[];
}

/** The ids of the resources the simulated TSM holds, per collection. */
export function storedIds(harness: Harness): Record<string, string[]> {
  return {
    certificates: [...harness.sim.resources('certificates').keys()],
    accounts: [...harness.sim.resources('external-accounts').keys()],
    cas: [...harness.sim.resources('certificate-authorities').keys()],
  };
}

/** The documentation's three resources, as storedIds shows them. */
export const ALL_THREE = {
  certificates: ['my-CA-bundle'],
  accounts: ['my-vault-account'],
  cas: ['my-vault-ca-configuration'],
};

/** TSM holds none of them. */
export const NOTHING = { certificates: [], accounts: [], cas: [] };

/** The writes (PUT, DELETE) TSM received, as "METHOD kind-of-path status". */
export function writes(harness: Harness, method?: 'PUT' | 'DELETE'): string[] {
  return tsmWrites(harness.sim)
    .filter((write) => method === undefined || write.method === method)
    .map((write) => `${write.method} ${write.path.split('/').at(-1) ?? ''} ${write.status}`);
}

/** Reads an integration until `check` passes (work goes on in the background). */
export async function waitForIntegration(
  harness: Harness,
  id: string,
  check: (integration: IntegrationView) => boolean,
): Promise<IntegrationView> {
  return vi.waitFor(
    async () => {
      const answer = await harness.call('GET', `/vault-integrations/${id}`);
      const integration = answer.body as IntegrationView;
      expect(check(integration), `integration is ${integration.status}`).toBe(true);
      return integration;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** The actions of the audit records of one integration, oldest first. */
export async function auditActions(harness: Harness, integrationId: string): Promise<string[]> {
  const page = await harness.store.queryAudit({ integrationId, limit: 500 });
  return page.records.map((record) => record.action).reverse();
}
