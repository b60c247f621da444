/**
 * Request bodies and lookups shared by the end-to-end tests: the documentation's integration as a
 * consolidated request, variants of it with other ids, and what the simulator journal holds.
 */
import { DOCUMENTATION_EXAMPLE } from '../../src/http/examples.js';
import type { IntegrationRequest } from '../../src/domain/integration-request.js';
import type { RecordedRequest, Simulator } from '../../src/simulator/index.js';

export const BUNDLE_PATH = '/tsm/v1alpha2/projects/default/certificates/my-CA-bundle';
export const ACCOUNT_PATH = '/tsm/v1alpha1/external-accounts/my-vault-account';
export const CA_PATH =
  '/tsm/v1alpha2/projects/default/certificate-authorities/my-vault-ca-configuration';

/** A fresh copy of the documentation's integration, with sections overridden where given. */
export function documentationRequest(
  overrides: Partial<IntegrationRequest> = {},
): IntegrationRequest {
  return { ...structuredClone(DOCUMENTATION_EXAMPLE), ...structuredClone(overrides) };
}

/** The requests TSM (not CSP) received, as "METHOD path status". */
export function tsmCalls(sim: Simulator): string[] {
  return sim
    .requests()
    .filter((request) => request.path.startsWith('/tsm/'))
    .map((request) => `${request.method} ${request.path} ${request.status}`);
}

/** The journal's writes (PUT and DELETE) to TSM. */
export function tsmWrites(sim: Simulator): RecordedRequest[] {
  return sim
    .requests()
    .filter((request) => request.path.startsWith('/tsm/') && request.method !== 'GET');
}

/** How many token exchanges CSP answered. */
export function tokenExchanges(sim: Simulator): number {
  return sim.requests().filter((request) => request.path.startsWith('/csp/')).length;
}
