/**
 * The TLS check: a handshake with Vault that trusts only the request's CA bundle (or Node's
 * public roots when no bundle is sent), then the chain Vault presented, whether it verifies and
 * whether its certificate names the host of vaultUrl. TSM's clusters will make this same
 * judgement with this same bundle.
 */
import type { LookupFunction } from 'node:net';
import { checkServerIdentity, connect, type DetailedPeerCertificate } from 'node:tls';
import { checkResult, type PreflightCheck } from './preflight-report.js';
import { reasonOf } from './vault-reader.js';
import { certificateOfDer, type VaultCertificate } from './vault-certificates.js';
import type { VaultTarget } from './vault-target.js';

type CheckResult = Omit<PreflightCheck, 'durationMs'>;

/** What the handshake showed, or why there was none. */
type Handshake =
  | { kind: 'done'; chain: VaultCertificate[]; verifyError: string | undefined; peer: Peer }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'timeout' };

type Peer = DetailedPeerCertificate;

/** Runs the TLS check against the target, connecting only where `lookup` (pinned) answers. */
export async function checkTls(
  target: VaultTarget,
  lookup: LookupFunction,
  timeoutMs: number,
): Promise<CheckResult> {
  if (!target.tls) {
    return checkResult('tls', 'TLS_NOT_USED', `${target.url} is plain HTTP: there is no TLS.`);
  }
  const trust = target.trust;
  const ca = trust.kind === 'bundle' ? trust.pem : undefined;
  const handshake = await shakeHands(target, ca, lookup, timeoutMs);
  if (handshake.kind === 'timeout') {
    return checkResult('tls', 'VAULT_TIMEOUT', `No TLS handshake with ${target.url} in time.`);
  }
  if (handshake.kind === 'unreachable') {
    return checkResult(
      'tls',
      'VAULT_UNREACHABLE',
      `${target.url} could not be reached from this service (${handshake.reason}).`,
    );
  }
  const facts = tlsFacts(target, handshake);
  if (trust.kind === 'referenced') {
    return checkResult(
      'tls',
      'CA_BUNDLE_NOT_IN_REQUEST',
      `The CA bundle "${trust.id}" is referenced, so its roots are not known here; the ` +
        'certificate Vault presented was not judged.',
      facts,
    );
  }
  return judge(target, handshake, facts);
}

function judge(
  target: VaultTarget,
  handshake: Extract<Handshake, { kind: 'done' }>,
  facts: Record<string, unknown>,
): CheckResult {
  const roots = target.trust.kind === 'bundle' ? 'the roots of the CA bundle' : 'public roots';
  if (handshake.verifyError !== undefined) {
    return checkResult(
      'tls',
      'TLS_UNTRUSTED',
      `Vault's server certificate does not verify against ${roots} ` +
        `(${handshake.verifyError}): TSM would not trust it either. Send the CA bundle of the ` +
        'CA that issued it.',
      facts,
    );
  }
  if (facts.hostNameMatched !== true) {
    return checkResult(
      'tls',
      'TLS_HOST_NAME_MISMATCH',
      `Vault's server certificate does not name ${target.host}; use a vaultUrl with a host ` +
        'name the certificate carries.',
      facts,
    );
  }
  return checkResult(
    'tls',
    'TLS_VERIFIED',
    `Vault's certificate verifies against ${roots}.`,
    facts,
  );
}

function tlsFacts(target: VaultTarget, handshake: Extract<Handshake, { kind: 'done' }>) {
  const mismatch = checkServerIdentity(target.host, handshake.peer);
  const facts: Record<string, unknown> = {
    trustedRoots: target.trust.kind === 'bundle' ? 'ca_bundle' : 'public',
    presentedChain: handshake.chain.map((certificate) => certificate.seen),
    chainVerified: handshake.verifyError === undefined,
    hostName: target.host,
    hostNameMatched: mismatch === undefined,
  };
  if (handshake.verifyError !== undefined) facts.verifyError = handshake.verifyError;
  return facts;
}

function shakeHands(
  target: VaultTarget,
  ca: string | undefined,
  lookup: LookupFunction,
  timeoutMs: number,
): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      lookup,
      servername: target.serverName,
      ca,
      // The verdict is read from the socket below: a refused chain is a finding, not an error.
      rejectUnauthorized: false,
      // The host name is checked apart (tlsFacts), so that an untrusted chain and a wrong name
      // are told apart rather than folded into one authorization error.
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const error = socket.authorizationError;
      const peer = socket.getPeerCertificate(true);
      socket.end();
      resolve({
        kind: 'done',
        chain: chainOf(peer),
        verifyError: socket.authorized ? undefined : String(error ?? 'unverified'),
        peer,
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ kind: 'unreachable', reason: reasonOf(error) });
    });
  });
}

/** The peer's certificate and its issuers as the handshake saw them, leaf first. */
function chainOf(peer: Peer): VaultCertificate[] {
  const chain: VaultCertificate[] = [];
  const seen = new Set<Peer>();
  for (let current: Peer | undefined = peer; current?.raw !== undefined;) {
    if (seen.has(current)) break;
    seen.add(current);
    const certificate = certificateOfDer(current.raw);
    if (certificate !== undefined) chain.push(certificate);
    const next: Peer | undefined = current.issuerCertificate;
    current = next === current ? undefined : next;
  }
  return chain;
}
