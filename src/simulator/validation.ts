/**
 * TSM-like checks of a PUT body. Only what TSM's documentation states a resource needs; the
 * service is expected to catch far more before it calls, so this is a safety net that proves the
 * service sends what TSM requires.
 */
import type { ResourceStore } from './resource-store.js';
import type { ResourceCollection, ResourceJson } from './types.js';

const PEM_CERTIFICATE_BEGIN = '-----BEGIN CERTIFICATE-----';

/** The problems TSM would report for this body; empty when it would accept it. */
export function findProblems(
  collection: ResourceCollection,
  body: unknown,
  store: ResourceStore,
): string[] {
  if (!isRecord(body)) return ['the body must be a JSON object'];

  const problems: string[] = [];
  if (!isFilled(body.name)) problems.push('name is required');
  if (collection === 'certificates') problems.push(...certificateProblems(body));
  if (collection === 'external-accounts') problems.push(...accountProblems(body, store));
  if (collection === 'certificate-authorities') problems.push(...authorityProblems(body, store));
  return problems;
}

function certificateProblems(body: ResourceJson): string[] {
  const problems: string[] = [];
  if (body.certificateType !== 'CertificateAuthorityBundle') {
    problems.push('certificateType must be CertificateAuthorityBundle');
  }
  if (typeof body.description !== 'string') problems.push('description is required');

  const bundle = body.certificateAuthorityBundle;
  if (bundle === undefined) return problems;
  if (!isRecord(bundle)) return [...problems, 'certificateAuthorityBundle must be an object'];
  const chain = bundle.cert_chain;
  if (
    chain !== undefined &&
    !(typeof chain === 'string' && chain.includes(PEM_CERTIFICATE_BEGIN))
  ) {
    problems.push('certificateAuthorityBundle.cert_chain must hold a PEM certificate');
  }
  return problems;
}

function accountProblems(body: ResourceJson, store: ResourceStore): string[] {
  const problems: string[] = [];
  if (body.provider !== 'VAULT') problems.push('provider must be VAULT');
  if (body.authentication_type !== 'VAULT_CREDENTIALS') {
    problems.push('authentication_type must be VAULT_CREDENTIALS');
  }

  const authVault = isRecord(body.authentication) ? body.authentication.auth_vault : undefined;
  if (!isRecord(authVault)) return [...problems, 'authentication.auth_vault is required'];
  if (authVault.type !== 'K8S_SERVICE_ACCOUNT') {
    problems.push('authentication.auth_vault.type must be K8S_SERVICE_ACCOUNT');
  }
  if (!isFilled(authVault.service_account_name)) {
    problems.push('authentication.auth_vault.service_account_name is required');
  }
  if (!isFilled(authVault.role_name))
    problems.push('authentication.auth_vault.role_name is required');

  const certificateId = body.certificate_id;
  if (certificateId !== undefined && !refersTo(store, 'certificates', certificateId)) {
    problems.push(`certificate_id: certificate ${JSON.stringify(certificateId)} not found`);
  }
  return problems;
}

function authorityProblems(body: ResourceJson, store: ResourceStore): string[] {
  const problems: string[] = [];
  if (!refersTo(store, 'external-accounts', body.accountId)) {
    problems.push(`accountId: external account ${JSON.stringify(body.accountId)} not found`);
  }

  const labels = Array.isArray(body.labels) ? (body.labels as unknown[]) : [];
  const hasCaLabel = labels.some(
    (label) => isRecord(label) && label.key === 'CertificateAuthority' && isFilled(label.value),
  );
  if (!hasCaLabel) problems.push('labels must hold {key: CertificateAuthority, value: <label>}');

  const path = isRecord(body.vault) ? body.vault.path : undefined;
  if (!(typeof path === 'string' && path.includes('/sign/'))) {
    problems.push('vault.path must be a Vault PKI sign endpoint');
  }
  return problems;
}

function refersTo(store: ResourceStore, collection: ResourceCollection, id: unknown): boolean {
  return isFilled(id) && store.has(collection, id);
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isRecord(value: unknown): value is ResourceJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
