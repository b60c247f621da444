/**
 * The consolidated request a caller sends to create a Vault CA integration, as a TypeBox schema.
 * The same schema checks the structure of a request, types it, and documents it in OpenAPI.
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = (description: string, example: string) =>
  Type.String({ description, examples: [example] });

const Name = Type.String({ description: 'Display name in TSM. Defaults to the id.' });
const Description = Type.String({ description: 'Free text shown in TSM. Defaults to "".' });

/** The CA bundle section: Vault's root and intermediate certificates, or a reference to one. */
export const CaBundleInput = Type.Object(
  {
    id: Id('TSM id of the CA bundle.', 'my-CA-bundle'),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    pem: Type.Optional(
      Type.String({
        description:
          'Root and intermediate CA certificates as PEM. Omit it to reference a bundle that ' +
          'already exists in TSM; the service then checks that it exists and never changes it.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Omit the whole section when Vault is signed by a publicly trusted root.',
  },
);

/** The external account section: how TSM reaches and authenticates to Vault. */
export const AccountInput = Type.Object(
  {
    id: Id('TSM id of the external account.', 'my-vault-account'),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    vaultUrl: Type.String({
      description: 'Vault server URL with an explicit port, without /v1.',
      examples: ['https://vault.example.internal:8200'],
    }),
    serviceAccountName: Type.String({
      description: 'Kubernetes service account that TSM uses to log in to Vault (bare name).',
      examples: ['vault-issuer'],
    }),
    roleName: Type.String({
      description: 'Vault role bound to the service account in the Kubernetes auth method.',
      examples: ['pki_int'],
    }),
    mountPath: Type.Optional(
      Type.String({
        description:
          'Mount path of the Kubernetes auth method, as /v1/auth/<mount>. ' +
          'Omit it for /v1/auth/kubernetes.',
        examples: ['/v1/auth/tenant-02'],
      }),
    ),
    namespace: Type.Optional(
      Type.String({ description: 'Vault Enterprise namespace, e.g. admin or admin/team-a.' }),
    ),
  },
  { additionalProperties: false },
);

/** The certificate authority section: the Vault sign path and the CA label for onboarding. */
export const CertificateAuthorityInput = Type.Object(
  {
    id: Id('TSM id of the CA configuration.', 'my-vault-ca-configuration'),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    label: Type.String({
      description: 'CA label that clusters are onboarded with.',
      examples: ['my-ca-label'],
    }),
    vaultPath: Type.String({
      description:
        'Vault PKI sign endpoint: <mount>/sign/<role> or <mount>/issuer/<ref>/sign/<role>.',
      examples: ['pki_int/sign/example-dot-com'],
    }),
  },
  { additionalProperties: false },
);

export const OnExisting = Type.Union([Type.Literal('reject'), Type.Literal('replace')], {
  description:
    'What to do when a resource already exists in TSM with different content: reject (409, ' +
    'nothing changed) or replace (the old version is kept and put back on rollback).',
  default: 'reject',
});

/** How strictly this request is checked against Vault itself before anything reaches TSM. */
export const VaultPreflightMode = Type.Union(
  [Type.Literal('off'), Type.Literal('warn'), Type.Literal('require')],
  {
    description:
      'Preflight checks against Vault (TLS, sys/health, the PKI mount and its CA): require ' +
      'refuses the request (422) when a check fails, warn adds warnings. The service setting ' +
      'VAULT_PREFLIGHT is a floor: asking for less than it runs it anyway, with a warning.',
  },
);

/** The whole request body of POST /vault-integrations. */
export const IntegrationRequest = Type.Object(
  {
    caBundle: Type.Optional(CaBundleInput),
    account: AccountInput,
    certificateAuthority: CertificateAuthorityInput,
    onExisting: Type.Optional(OnExisting),
    vaultPreflight: Type.Optional(VaultPreflightMode),
  },
  { additionalProperties: false, $id: 'IntegrationRequest' },
);

export type IntegrationRequest = Static<typeof IntegrationRequest>;
export type OnExisting = Static<typeof OnExisting>;
export type VaultPreflightMode = Static<typeof VaultPreflightMode>;
