/**
 * A Vault of a test's choosing on loopback: a root and an intermediate made at test time, the
 * simulator serving HTTPS with a server certificate from them, and its PKI mount signing with
 * the intermediate. Plus the request a caller would send for it, validated as the service does.
 */
import { documentationRequest } from '../../support/requests.js';
import {
  bundleOf,
  makeIntermediate,
  makeLeaf,
  makeRoot,
  privateKeyPemOf,
  type MadeCertificate,
} from '../../support/certificates.js';
import { validateIntegrationRequest } from '../../../src/domain/validate-request.js';
import type { IntegrationRequest } from '../../../src/domain/integration-request.js';
import type { NormalizedIntegration } from '../../../src/domain/normalized-integration.js';
import {
  startVaultSimulator,
  type VaultHealthState,
  type VaultPkiMount,
  type VaultSimulator,
} from '../../../src/simulator/vault/index.js';

/** A running Vault with the certificates behind it. */
export interface VaultWorld {
  root: MadeCertificate;
  intermediate: MadeCertificate;
  vault: VaultSimulator;
  /** The bundle that matches this Vault: intermediate then root. */
  bundle: string;
}

export interface VaultChoices {
  health?: VaultHealthState;
  /** Names the server certificate carries; default 127.0.0.1, where the simulator listens. */
  hostNames?: string[];
  /** Who issues the server certificate; default this world's intermediate. */
  serverIssuer?: MadeCertificate;
  /** What ca_chain holds; default intermediate and root. */
  caChain?: 'intermediate-and-root' | 'intermediate-only';
  /** Mounts; default one, pki_int, in the root namespace. */
  mounts?: (world: { root: MadeCertificate; intermediate: MadeCertificate }) => VaultPkiMount[];
}

/** Starts a Vault simulator with a fresh PKI; close world.vault after. */
export async function startVaultWorld(choices: VaultChoices = {}): Promise<VaultWorld> {
  const root = await makeRoot({ subject: 'Vault Test Root' });
  const intermediate = await makeIntermediate(root, { subject: 'Vault Test Intermediate' });
  const server = await makeLeaf(choices.serverIssuer ?? intermediate, {
    subject: 'vault server',
    hostNames: choices.hostNames ?? ['127.0.0.1'],
  });
  const caChain =
    choices.caChain === 'intermediate-only' ? intermediate.pem : bundleOf(intermediate, root);
  const mounts = choices.mounts?.({ root, intermediate }) ?? [
    { path: 'pki_int', issuingCa: intermediate.pem, caChain },
  ];
  const vault = await startVaultSimulator({
    tls: {
      key: await privateKeyPemOf(server),
      certificateChain: bundleOf(server, choices.serverIssuer ?? intermediate),
    },
    health: choices.health,
    mounts,
  });
  return { root, intermediate, vault, bundle: bundleOf(intermediate, root) };
}

/** The documentation's request pointed at `vaultUrl`, with `bundle` as its CA bundle. */
export function requestFor(
  vaultUrl: string,
  bundle: string | undefined,
  overrides: { vaultPath?: string; namespace?: string; vaultPreflight?: string } = {},
): IntegrationRequest {
  const request = documentationRequest();
  request.account.vaultUrl = vaultUrl;
  // The documentation's namespace would send every read to a namespace the Vault lacks.
  delete request.account.namespace;
  if (overrides.namespace !== undefined) request.account.namespace = overrides.namespace;
  request.certificateAuthority.vaultPath = overrides.vaultPath ?? 'pki_int/sign/mesh';
  if (bundle === undefined) delete request.caBundle;
  else request.caBundle = { ...request.caBundle!, pem: bundle };
  const body: Record<string, unknown> = { ...request };
  if (overrides.vaultPreflight !== undefined) body.vaultPreflight = overrides.vaultPreflight;
  return body as IntegrationRequest;
}

/** The request validated and normalized, as the service would run it. */
export function normalized(request: IntegrationRequest): NormalizedIntegration {
  // The simulated Vault listens on loopback, as a local test Vault does.
  const result = validateIntegrationRequest(request, {
    allowHttpVault: true,
    allowLoopbackVault: true,
    now: new Date(),
  });
  if (!result.ok) throw new Error(`invalid test request: ${JSON.stringify(result.errors)}`);
  return result.integration;
}
