/**
 * The preflight judges every address Vault's host resolves to as validation judges an IP literal,
 * IPv4 addresses carried inside IPv6 forms included. An IP literal resolves to itself, so no DNS
 * server is needed to prove it.
 */
import { describe, expect, it } from 'vitest';
import { resolveVaultHost } from '../../src/vault/vault-address.js';

const OPTIONS = { allowLoopback: false, timeoutMs: 1000 };

describe('the addresses the preflight would connect to', () => {
  it.each([
    ['::7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s as %s, before any connection', async (address, range) => {
    expect(await resolveVaultHost(address, OPTIONS)).toEqual({ kind: 'refused', range });
  });

  it('connects to a NAT64 form of a private address', async () => {
    expect((await resolveVaultHost('64:ff9b::a00:5', OPTIONS)).kind).toBe('resolved');
  });

  it('lets an embedded loopback address through under VAULT_ALLOW_LOOPBACK', async () => {
    const found = await resolveVaultHost('64:ff9b::7f00:1', { ...OPTIONS, allowLoopback: true });
    expect(found.kind).toBe('resolved');
  });
});
