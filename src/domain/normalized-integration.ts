/**
 * A request after validation and normalization: every default applied, every field in the form
 * TSM and Vault expect. Only this shape ever reaches the plan of TSM calls.
 */
import type { OnExisting, VaultPreflightMode } from './integration-request.js';

/** Facts about one certificate of a CA bundle, safe to store and show. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** SHA-256 fingerprint of the DER encoding, upper-case hex pairs joined by ":". */
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
  selfSigned: boolean;
}

/** A CA bundle that this integration uploads (creates, or replaces when allowed). */
export interface UploadedCaBundle {
  mode: 'upload';
  id: string;
  name: string;
  description: string;
  /** Canonical chain: issuing CA first, root last, LF line ends, one final newline. */
  pem: string;
  /** The certificates of `pem`, in the same order. */
  certificates: CertificateSummary[];
}

/** A CA bundle that must already exist in TSM; it is checked, never changed. */
export interface ReferencedCaBundle {
  mode: 'reference';
  id: string;
}

export interface NormalizedAccount {
  id: string;
  name: string;
  description: string;
  /** scheme://host:port, no trailing slash. */
  vaultUrl: string;
  serviceAccountName: string;
  roleName: string;
  /** "/v1/auth/<mount>", or undefined for TSM's default (/v1/auth/kubernetes). */
  mountPath?: string;
  /** Vault Enterprise namespace without outer slashes, or undefined. */
  namespace?: string;
}

export interface NormalizedCertificateAuthority {
  id: string;
  name: string;
  description: string;
  label: string;
  /** Sign endpoint without a leading /v1/ or slashes at either end. */
  vaultPath: string;
}

/** The validated, normalized request. */
export interface NormalizedIntegration {
  caBundle?: UploadedCaBundle | ReferencedCaBundle;
  account: NormalizedAccount;
  certificateAuthority: NormalizedCertificateAuthority;
  onExisting: OnExisting;
  /** The preflight mode the request asked for, when it asked. */
  vaultPreflight?: VaultPreflightMode;
}
