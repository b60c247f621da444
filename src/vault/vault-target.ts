/**
 * What the preflight looks at, taken from a validated request: where Vault listens, the PKI
 * mount (and issuer) behind the sign path, the namespace, and which roots to trust.
 */
import { isIP } from 'node:net';
import type { NormalizedIntegration } from '../domain/normalized-integration.js';

/**
 * bundle: the PEM of the request's CA bundle. system: no bundle was sent, so Vault's CA must be
 * publicly trusted. referenced: the bundle lives in TSM and its certificates are not known here.
 */
export type TrustSource =
  { kind: 'bundle'; pem: string } | { kind: 'system' } | { kind: 'referenced'; id: string };

/** One Vault, one PKI mount and the roots the request says to trust. */
export interface VaultTarget {
  /** scheme://host:port as the request gave it. */
  url: string;
  tls: boolean;
  /** Host without IPv6 brackets, to connect to. */
  host: string;
  port: number;
  /** The name a server certificate must carry, or undefined for an IP address. */
  serverName: string | undefined;
  namespace: string | undefined;
  /** The PKI mount, e.g. pki_int, or a nested one such as teams/pki. */
  mount: string;
  /** The issuer of an issuer/<ref>/sign/<role> path, when one is named. */
  issuerRef: string | undefined;
  trust: TrustSource;
}

/** The target of a normalized integration. */
export function vaultTargetOf(integration: NormalizedIntegration): VaultTarget {
  const url = new URL(integration.account.vaultUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const tls = url.protocol === 'https:';
  return {
    url: integration.account.vaultUrl,
    tls,
    host,
    port: Number(url.port || (tls ? 443 : 80)),
    serverName: isIP(host) === 0 ? host : undefined,
    namespace: integration.account.namespace,
    ...mountOf(integration.certificateAuthority.vaultPath),
    trust: trustOf(integration),
  };
}

/** The mount and issuer of a validated sign path. */
function mountOf(vaultPath: string): { mount: string; issuerRef: string | undefined } {
  const segments = vaultPath.split('/');
  const count = segments.length;
  if (count >= 5 && segments[count - 4] === 'issuer') {
    return { mount: segments.slice(0, -4).join('/'), issuerRef: segments[count - 3] };
  }
  return { mount: segments.slice(0, -2).join('/'), issuerRef: undefined };
}

function trustOf(integration: NormalizedIntegration): TrustSource {
  const bundle = integration.caBundle;
  if (bundle === undefined) return { kind: 'system' };
  return bundle.mode === 'upload'
    ? { kind: 'bundle', pem: bundle.pem }
    : { kind: 'referenced', id: bundle.id };
}
