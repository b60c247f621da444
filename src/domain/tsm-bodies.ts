/**
 * The plan: a normalized integration becomes the exact bodies of TSM's three PUTs, in call order,
 * with the references between them wired (the account names the bundle, the CA configuration
 * names the account). Field names and constants are TSM's, as its API guide documents them.
 */
import type { NormalizedIntegration } from './normalized-integration.js';
import type { DesiredResource, ResourceBody } from './resources.js';

/** The label key TSM matches when a cluster is onboarded with a CA label. */
export const CA_LABEL_KEY = 'CertificateAuthority';

/** The three resources in the order they must be created (and the reverse of teardown). */
export function planResources(integration: NormalizedIntegration): DesiredResource[] {
  const { caBundle, account, certificateAuthority } = integration;
  const planned: DesiredResource[] = [];

  if (caBundle?.mode === 'upload') {
    const body: ResourceBody = {
      name: caBundle.name,
      description: caBundle.description,
      certificateType: 'CertificateAuthorityBundle',
      certificateAuthorityBundle: { cert_chain: caBundle.pem },
    };
    planned.push({ kind: 'caBundle', id: caBundle.id, mode: 'write', body });
  } else if (caBundle?.mode === 'reference') {
    planned.push({ kind: 'caBundle', id: caBundle.id, mode: 'reference' });
  }

  planned.push({
    kind: 'account',
    id: account.id,
    mode: 'write',
    body: accountBody(integration),
    absentFields: accountAbsentFields(integration),
  });
  planned.push({
    kind: 'certificateAuthority',
    id: certificateAuthority.id,
    mode: 'write',
    body: {
      name: certificateAuthority.name,
      description: certificateAuthority.description,
      accountId: account.id,
      labels: [{ key: CA_LABEL_KEY, value: certificateAuthority.label }],
      vault: { path: certificateAuthority.vaultPath },
    },
  });
  return planned;
}

/** The account's optional fields left out of its body: in TSM they must be unset too. */
function accountAbsentFields({ account, caBundle }: NormalizedIntegration): string[] {
  const absent: string[] = [];
  if (account.mountPath === undefined) absent.push('/authentication/auth_vault/mount_path');
  if (account.namespace === undefined) absent.push('/authentication/auth_vault/namespace');
  if (caBundle === undefined) absent.push('/certificate_id');
  return absent;
}

function accountBody({ account, caBundle }: NormalizedIntegration): ResourceBody {
  // Optional Vault fields are left out rather than sent empty: TSM reads an absent mount path
  // as its default (/v1/auth/kubernetes) and an absent namespace as Vault's root namespace.
  const authVault: ResourceBody = {
    type: 'K8S_SERVICE_ACCOUNT',
    service_account_name: account.serviceAccountName,
    role_name: account.roleName,
  };
  if (account.mountPath !== undefined) authVault.mount_path = account.mountPath;
  if (account.namespace !== undefined) authVault.namespace = account.namespace;

  const body: ResourceBody = {
    name: account.name,
    description: account.description,
    provider: 'VAULT',
    provider_url: account.vaultUrl,
    authentication_type: 'VAULT_CREDENTIALS',
    authentication: { auth_vault: authVault },
  };
  if (caBundle !== undefined) body.certificate_id = caBundle.id;
  return body;
}
