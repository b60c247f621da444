import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runVaultPreflight } from '../../src/vault/run-preflight.js';
import type { VaultPreflight } from '../../src/vault/preflight-report.js';
import { bundleOf, makeIntermediate, makeRoot } from '../support/certificates.js';
import { normalized, requestFor, startVaultWorld, type VaultWorld } from './support/vault-world.js';

const TIMEOUT_MS = 1_000;
let world: VaultWorld | undefined;

afterEach(async () => {
  await world?.vault.close();
  world = undefined;
});

async function preflight(
  vaultUrl: string,
  bundle: string | undefined,
  overrides: Parameters<typeof requestFor>[2] = {},
): Promise<VaultPreflight> {
  const integration = normalized(requestFor(vaultUrl, bundle, overrides));
  return runVaultPreflight(integration, {
    mode: 'warn',
    timeoutMs: TIMEOUT_MS,
    allowLoopback: true,
  });
}

function outcomes(report: VaultPreflight): Record<string, string> {
  return Object.fromEntries(report.checks.map((check) => [check.name, check.code]));
}

function check(report: VaultPreflight, name: string) {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no ${name} check`);
  return found;
}

describe('the Vault preflight over loopback TLS', () => {
  it('passes every check when the bundle is the one of this Vault', async () => {
    world = await startVaultWorld();
    const report = await preflight(world.vault.url, world.bundle);

    expect(report.outcome).toBe('passed');
    expect(outcomes(report)).toEqual({
      tls: 'TLS_VERIFIED',
      health: 'VAULT_READY',
      pki_mount: 'PKI_MOUNT_FOUND',
      issuing_ca: 'ISSUING_CA_TRUSTED',
    });
    const tls = check(report, 'tls');
    expect(tls.facts).toMatchObject({ chainVerified: true, hostNameMatched: true });
    expect(tls.facts?.presentedChain).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: 'CN=vault server' }),
        expect.objectContaining({ subject: 'CN=Vault Test Intermediate' }),
      ]),
    );
    expect(check(report, 'issuing_ca').facts?.root).toEqual({
      subject: 'CN=Vault Test Root',
      issuer: 'CN=Vault Test Root',
      fingerprint256: fingerprintOf(world.root.pem),
      notAfter: world.root.certificate.notAfter.toISOString(),
    });
    expect(world.vault.requests().map((request) => request.url)).toEqual(
      expect.arrayContaining(['/v1/pki_int/ca/pem', '/v1/pki_int/ca_chain']),
    );
  });

  it('fails the TLS and issuing CA checks for a bundle of another CA, naming both', async () => {
    world = await startVaultWorld();
    const otherRoot = await makeRoot({ subject: 'Another Root' });
    const otherBundle = bundleOf(
      await makeIntermediate(otherRoot, { subject: 'Another CA' }),
      otherRoot,
    );

    const report = await preflight(world.vault.url, otherBundle);

    expect(report.outcome).toBe('failed');
    expect(outcomes(report)).toMatchObject({
      tls: 'TLS_UNTRUSTED',
      health: 'VAULT_READY',
      pki_mount: 'PKI_MOUNT_FOUND',
      issuing_ca: 'ISSUING_CA_NOT_TRUSTED',
    });
    const issuing = check(report, 'issuing_ca');
    expect(issuing.detail).toContain('CN=Vault Test Intermediate');
    expect(issuing.detail).toContain('CN=Vault Test Root');
    expect(issuing.detail).toContain('CN=Another Root');
    expect(issuing.detail).toContain(fingerprintOf(world.root.pem));
    expect(issuing.detail).toContain(fingerprintOf(otherRoot.pem));
  });

  it('completes the chain from the bundle when Vault serves an intermediate-only ca_chain', async () => {
    world = await startVaultWorld({ caChain: 'intermediate-only' });
    const report = await preflight(world.vault.url, world.bundle);

    expect(check(report, 'issuing_ca')).toMatchObject({
      outcome: 'passed',
      code: 'ISSUING_CA_TRUSTED',
    });
    expect(check(report, 'pki_mount').facts).toMatchObject({ caChainLength: 1 });
  });

  it('fails the issuing CA check when Vault signs with a CA of a root the bundle lacks', async () => {
    const otherRoot = await makeRoot({ subject: 'Other PKI Root' });
    const otherIssuing = await makeIntermediate(otherRoot, { subject: 'Other PKI Issuing' });
    world = await startVaultWorld({
      caChain: 'intermediate-only',
      mounts: () => [{ path: 'pki_int', issuingCa: otherIssuing.pem, caChain: otherIssuing.pem }],
    });
    const report = await preflight(world.vault.url, world.bundle);

    expect(check(report, 'tls').code).toBe('TLS_VERIFIED');
    const issuing = check(report, 'issuing_ca');
    expect(issuing.code).toBe('ISSUING_CA_NOT_TRUSTED');
    expect(issuing.detail).toContain('was issued by "CN=Other PKI Root"');
    expect(issuing.detail).toContain(fingerprintOf(otherIssuing.pem));
  });

  it('reports a sealed Vault plainly, and the PKI reads as not run', async () => {
    world = await startVaultWorld({ health: 'sealed' });
    const report = await preflight(world.vault.url, world.bundle);

    expect(check(report, 'health')).toMatchObject({
      outcome: 'failed',
      code: 'VAULT_SEALED',
      facts: { initialized: true, sealed: true },
    });
    expect(check(report, 'pki_mount')).toMatchObject({
      outcome: 'not_run',
      code: 'VAULT_UNAVAILABLE',
    });
    expect(check(report, 'issuing_ca')).toMatchObject({ outcome: 'not_run' });
    expect(report.outcome).toBe('failed');
  });

  it('reports an uninitialized Vault, and passes a standby one', async () => {
    world = await startVaultWorld({ health: 'uninitialized' });
    expect(check(await preflight(world.vault.url, world.bundle), 'health').code).toBe(
      'VAULT_NOT_INITIALIZED',
    );
    world.vault.setHealth('standby');
    expect(check(await preflight(world.vault.url, world.bundle), 'health')).toMatchObject({
      code: 'VAULT_READY',
      facts: { standby: true },
    });
  });

  it('reports a mount that Vault does not serve as missing', async () => {
    world = await startVaultWorld();
    const report = await preflight(world.vault.url, world.bundle, {
      vaultPath: 'pki_other/sign/mesh',
    });

    const mount = check(report, 'pki_mount');
    expect(mount).toMatchObject({ outcome: 'failed', code: 'PKI_MOUNT_NOT_FOUND' });
    expect(mount.detail).toContain('"pki_other"');
    expect(check(report, 'issuing_ca')).toMatchObject({
      outcome: 'not_run',
      code: 'PKI_MOUNT_NOT_READ',
    });
  });

  it('reads the mount in the namespace of the request, and only there', async () => {
    world = await startVaultWorld({
      mounts: ({ intermediate, root }) => [
        {
          path: 'pki_int',
          namespace: 'admin/team-a',
          issuingCa: intermediate.pem,
          caChain: bundleOf(intermediate, root),
        },
      ],
    });
    const inNamespace = await preflight(world.vault.url, world.bundle, {
      namespace: 'admin/team-a',
    });
    expect(inNamespace.outcome).toBe('passed');
    expect(
      world.vault.requests().filter((request) => request.namespace === 'admin/team-a'),
    ).not.toEqual([]);

    const withoutNamespace = await preflight(world.vault.url, world.bundle);
    expect(check(withoutNamespace, 'pki_mount').code).toBe('PKI_MOUNT_NOT_FOUND');
  });

  it('reads the issuer a sign path names', async () => {
    const otherRoot = await makeRoot({ subject: 'Unrelated Root' });
    world = await startVaultWorld({
      mounts: ({ intermediate }) => [
        {
          path: 'pki_int',
          issuingCa: otherRoot.pem,
          caChain: otherRoot.pem,
          issuers: { 'mesh-issuer': intermediate.pem },
        },
      ],
    });
    const report = await preflight(world.vault.url, world.bundle, {
      vaultPath: 'pki_int/issuer/mesh-issuer/sign/mesh',
    });
    expect(check(report, 'issuing_ca').code).toBe('ISSUING_CA_TRUSTED');
    expect(world.vault.requests().map((request) => request.url)).toContain(
      '/v1/pki_int/issuer/mesh-issuer/pem',
    );
  });

  it('reports every check as not run, quickly, when nothing listens at vaultUrl', async () => {
    const port = await closedPort();
    const started = Date.now();
    const report = await preflight(`https://127.0.0.1:${port}`, undefined);

    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(report.outcome).toBe('incomplete');
    for (const outcome of report.checks) {
      expect(outcome).toMatchObject({ outcome: 'not_run', code: 'VAULT_UNREACHABLE' });
    }
  });

  it('fails the TLS check for a certificate that does not name the host', async () => {
    world = await startVaultWorld({ hostNames: ['vault.elsewhere.internal'] });
    const report = await preflight(world.vault.url, world.bundle);

    expect(check(report, 'tls')).toMatchObject({
      outcome: 'failed',
      code: 'TLS_HOST_NAME_MISMATCH',
      facts: { chainVerified: true, hostNameMatched: false, hostName: '127.0.0.1' },
    });
    expect(check(report, 'issuing_ca').code).toBe('ISSUING_CA_TRUSTED');
  });

  it('fails the TLS check for a server certificate from a CA outside the bundle', async () => {
    const strangerRoot = await makeRoot({ subject: 'Stranger Root' });
    world = await startVaultWorld({ serverIssuer: strangerRoot });
    const report = await preflight(world.vault.url, world.bundle);

    const tls = check(report, 'tls');
    expect(tls).toMatchObject({ outcome: 'failed', code: 'TLS_UNTRUSTED' });
    expect(tls.facts?.verifyError).toEqual(expect.any(String));
    // The PKI mount is judged on its own: the bundle is right for what Vault signs with.
    expect(check(report, 'issuing_ca').code).toBe('ISSUING_CA_TRUSTED');
  });

  it('judges against public roots when no bundle is sent', async () => {
    world = await startVaultWorld();
    const report = await preflight(world.vault.url, undefined);

    expect(check(report, 'tls')).toMatchObject({
      code: 'TLS_UNTRUSTED',
      facts: { trustedRoots: 'public' },
    });
    expect(check(report, 'issuing_ca').detail).toContain('no public root');
  });
});

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
