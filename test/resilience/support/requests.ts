/**
 * Integration requests with ids of their own, so that many integrations share one simulated TSM
 * without touching each other's resources, and the TSM paths those ids live at.
 */
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { ResourceKind } from '../../../src/domain/resources.js';
import { COLLECTION_PATHS } from '../../../src/simulator/index.js';
import { documentationRequest } from '../../support/requests.js';
import { COLLECTION_OF } from './expectations.js';

/** The documentation's integration, with every id and the CA label derived from `name`. */
export function namedRequest(
  name: string,
  onExisting: IntegrationRequest['onExisting'] = 'reject',
): IntegrationRequest {
  const request = documentationRequest();
  if (request.caBundle !== undefined) request.caBundle.id = `${name}-bundle`;
  request.account.id = `${name}-account`;
  request.certificateAuthority.id = `${name}-ca`;
  request.certificateAuthority.label = `${name}-label`;
  request.onExisting = onExisting;
  return request;
}

/** The id the request gives a resource of this kind. */
export function idOf(request: IntegrationRequest, kind: ResourceKind): string {
  const section = request[kind];
  if (section === undefined) throw new Error(`the request has no ${kind}`);
  return section.id;
}

/** The TSM path of the request's resource of this kind. */
export function tsmPathOf(request: IntegrationRequest, kind: ResourceKind): string {
  return `${COLLECTION_PATHS[COLLECTION_OF[kind]]}/${idOf(request, kind)}`;
}

/** An external account as someone set it up by hand: another Vault, no CA bundle. */
export function handMadeAccount(name: string): Record<string, unknown> {
  return {
    name,
    description: 'set up by hand',
    provider: 'VAULT',
    provider_url: 'https://other-vault.example.internal:8200',
    authentication_type: 'VAULT_CREDENTIALS',
    authentication: {
      auth_vault: { type: 'K8S_SERVICE_ACCOUNT', service_account_name: 'x', role_name: 'y' },
    },
  };
}
