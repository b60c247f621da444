/**
 * The public shapes of the Vault simulator: the HTTPS identity a test chooses, the health state,
 * and the PKI mounts it serves, each in a namespace or at the root. Its own types: it shares no
 * code with the service's preflight, so that it can disagree with it.
 */

/** The states sys/health reports. */
export type VaultHealthState = 'active' | 'standby' | 'sealed' | 'uninitialized';

/** One PKI secrets engine. */
export interface VaultPkiMount {
  /** Mount path without slashes at either end, e.g. pki_int. */
  path: string;
  /** Vault Enterprise namespace it lives in (e.g. admin/team-a); absent: the root namespace. */
  namespace?: string;
  /** PEM served at ca/pem and issuer/default/pem; absent: a mount without an issuer yet. */
  issuingCa?: string;
  /** PEM served at ca_chain: what this Vault chooses to send (with or without the root). */
  caChain?: string;
  /** Further issuers by name, served at issuer/<name>/pem. */
  issuers?: Record<string, string>;
}

/** How the Vault simulator is started. */
export interface VaultSimulatorOptions {
  /** The server's private key (PEM) and its certificate chain, leaf first (PEM). */
  tls: { key: string; certificateChain: string };
  /** Default active. */
  health?: VaultHealthState;
  mounts?: VaultPkiMount[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

/** One request the simulator answered. */
export interface VaultRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** The X-Vault-Namespace header, when sent. */
  namespace?: string;
  status: number;
}

/** A running Vault simulator. */
export interface VaultSimulator {
  /** https://<host>:<port> */
  url: string;
  port: number;
  setHealth(state: VaultHealthState): void;
  requests(): VaultRequest[];
  close(): Promise<void>;
}
