/**
 * The preflight resolves Vault's host before it connects, and never connects to a name that
 * resolves to loopback (unless VAULT_ALLOW_LOOPBACK) or link-local: a real resolution of
 * "localhost" against a loopback server that counts the connections it is offered.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVaultPreflight } from '../../src/vault/run-preflight.js';
import { normalized, requestFor } from './support/vault-world.js';

let server: Server;
let connections = 0;
let port = 0;

beforeEach(async () => {
  connections = 0;
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function preflightOf(vaultUrl: string, allowLoopback: boolean) {
  // Validation lets localhost through here so that the preflight's own guard is what is tested.
  const integration = normalized(requestFor(vaultUrl, undefined));
  return runVaultPreflight(integration, { mode: 'warn', timeoutMs: 1_000, allowLoopback });
}

describe('the preflight of a host name that resolves to loopback', () => {
  it('reports every check not run, and makes no connection', async () => {
    const report = await preflightOf(`https://localhost:${port}`, false);

    expect(report.outcome).toBe('incomplete');
    for (const check of report.checks) {
      expect(check).toMatchObject({ outcome: 'not_run', code: 'VAULT_ADDRESS_NOT_ROUTABLE' });
    }
    expect(report.checks[0]!.detail).toContain('loopback');
    expect(connections).toBe(0);
  });

  it('connects under VAULT_ALLOW_LOOPBACK, to the address it resolved', async () => {
    const report = await preflightOf(`https://localhost:${port}`, true);

    expect(report.checks[0]!.code).toBe('VAULT_UNREACHABLE');
    expect(connections).toBeGreaterThan(0);
  });

  it('reports a name that does not resolve as unreachable', async () => {
    const report = await preflightOf('https://vault.invalid:8200', false);

    expect(report.checks[0]).toMatchObject({ outcome: 'not_run', code: 'VAULT_UNREACHABLE' });
    expect(report.checks[0]!.detail).toContain('ENOTFOUND');
  });
});
