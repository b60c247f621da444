/**
 * The PKI checks: the mount of vaultPath serves an issuing CA (ca/pem, or the named issuer's
 * pem, with its ca_chain), and that CA chains to a root the request trusts. Both reads are
 * unauthenticated in Vault, and carry X-Vault-Namespace when the request names a namespace.
 */
import { chainOf, type ChainResult } from './issuing-chain.js';
import { notRun, unavailable } from './not-run.js';
import { checkResult, type PreflightCheck } from './preflight-report.js';
import type { VaultReader } from './vault-reader.js';
import {
  certificatesOfPem,
  describeCertificate,
  publicRoots,
  type VaultCertificate,
} from './vault-certificates.js';
import type { VaultTarget } from './vault-target.js';

type CheckResult = Omit<PreflightCheck, 'durationMs'>;

/** What the mount check found, for the issuing CA check to judge. */
export interface MountReading {
  result: CheckResult;
  issuing?: VaultCertificate;
  caChain: VaultCertificate[];
}

/** Reads the issuing CA and ca_chain of the mount. */
export async function checkPkiMount(target: VaultTarget, reader: VaultReader) {
  const headers: Record<string, string> =
    target.namespace === undefined ? {} : { 'x-vault-namespace': target.namespace };
  const base = `/v1/${target.mount}`;
  const caPath =
    target.issuerRef === undefined ? `${base}/ca/pem` : `${base}/issuer/${target.issuerRef}/pem`;
  const [ca, chain] = await Promise.all([
    reader.get(caPath, headers),
    reader.get(`${base}/ca_chain`, headers),
  ]);
  const where = `"${target.mount}"${inNamespace(target)}`;
  const caChain =
    chain.kind === 'answer' && chain.status === 200 ? certificatesOfPem(chain.text) : [];

  if (ca.kind !== 'answer') return { result: notRun('pki_mount', ca), caChain };
  if (ca.status >= 500) return { result: unavailable('pki_mount', ca.status), caChain };
  const facts: Record<string, unknown> = {
    mount: target.mount,
    status: ca.status,
    caChainLength: caChain.length,
  };
  if (target.namespace !== undefined) facts.namespace = target.namespace;
  if (target.issuerRef !== undefined) facts.issuer = target.issuerRef;
  if (ca.status !== 200 && ca.status !== 204) {
    const detail =
      `Vault has no PKI mount ${where} (it answered ${ca.status} to ${caPath}); check the ` +
      'mount in vaultPath' +
      (target.namespace === undefined
        ? ' and whether it lives in a namespace.'
        : ' and namespace.');
    return { result: checkResult('pki_mount', 'PKI_MOUNT_NOT_FOUND', detail, facts), caChain };
  }
  const issuing = certificatesOfPem(ca.text)[0];
  if (issuing === undefined) {
    const detail = `The PKI mount ${where} has no issuing CA yet: it cannot sign anything.`;
    return { result: checkResult('pki_mount', 'PKI_NO_ISSUING_CA', detail, facts), caChain };
  }
  facts.issuingCa = issuing.seen;
  const detail = `The PKI mount ${where} serves the issuing CA ${describeCertificate(issuing.seen)}.`;
  return { result: checkResult('pki_mount', 'PKI_MOUNT_FOUND', detail, facts), issuing, caChain };
}

/** Judges whether the issuing CA read by the mount check chains to a trusted root. */
export function checkIssuingCa(target: VaultTarget, mount: MountReading): CheckResult {
  const trust = target.trust;
  if (mount.issuing === undefined) {
    return checkResult('issuing_ca', 'PKI_MOUNT_NOT_READ', 'No issuing CA was read from Vault.');
  }
  if (trust.kind === 'referenced') {
    return checkResult(
      'issuing_ca',
      'CA_BUNDLE_NOT_IN_REQUEST',
      `The CA bundle "${trust.id}" is referenced, so its roots are not known here.`,
    );
  }
  const bundle = trust.kind === 'bundle' ? certificatesOfPem(trust.pem) : [];
  const roots = trust.kind === 'bundle' ? bundle.filter((cert) => cert.selfSigned) : publicRoots();
  const intermediates = [...mount.caChain, ...bundle.filter((cert) => !cert.selfSigned)];
  const chain = chainOf(mount.issuing, intermediates, roots);
  return judgeChain(chain, trust.kind === 'bundle' ? roots : undefined);
}

function judgeChain(chain: ChainResult, bundleRoots: VaultCertificate[] | undefined): CheckResult {
  const issuing = chain.path[0]?.seen;
  const facts: Record<string, unknown> = {
    issuingCa: issuing,
    path: chain.path.map((c) => c.seen),
  };
  if (bundleRoots !== undefined) facts.bundleRoots = bundleRoots.map((root) => root.seen);
  const named = issuing === undefined ? 'the issuing CA' : describeCertificate(issuing);
  if (chain.kind === 'trusted') {
    facts.root = chain.root.seen;
    const where = bundleRoots === undefined ? 'a public root' : 'the root of the CA bundle';
    return checkResult(
      'issuing_ca',
      'ISSUING_CA_TRUSTED',
      `Vault's issuing CA ${named} chains to ${where} ${describeCertificate(chain.root.seen)}.`,
      facts,
    );
  }
  const reached =
    chain.kind === 'untrusted'
      ? `chains to the root ${describeCertificate(chain.root.seen)}`
      : `was issued by "${chain.last.seen.issuer}", which neither Vault's ca_chain nor the ` +
        'bundle holds';
  const expected =
    bundleRoots === undefined
      ? 'no public root; send the root of Vault as caBundle'
      : `the CA bundle holds ${bundleRoots.map((root) => describeCertificate(root.seen)).join(', ')}` +
        ': the bundle is not the one of this Vault';
  return checkResult(
    'issuing_ca',
    'ISSUING_CA_NOT_TRUSTED',
    `Vault's issuing CA ${named} ${reached}, but ${expected}.`,
    facts,
  );
}

function inNamespace(target: VaultTarget): string {
  return target.namespace === undefined ? '' : ` in namespace "${target.namespace}"`;
}
