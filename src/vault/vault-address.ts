/**
 * Where the preflight may connect. Validation refuses loopback and link-local IP literals, but a
 * DNS name can resolve to them too, and a preflight that connected there would let a caller
 * probe this service's own ports and the cloud metadata service. So the host is resolved once,
 * before any connection; any resolved address in those ranges refuses the connection outright,
 * and every connection the preflight makes goes to the addresses checked (a pinned lookup), so a
 * second resolution cannot hand it another address than the one judged.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import {
  unroutableRangeOf,
  type RoutingOptions,
  type UnroutableRange,
} from '../domain/unroutable-address.js';
import { reasonOf } from './vault-reader.js';

/** The outcome of resolving Vault's host: a lookup to connect with, or why not to connect. */
export type VaultAddresses =
  | { kind: 'resolved'; lookup: LookupFunction }
  | { kind: 'refused'; range: UnroutableRange }
  | { kind: 'unresolved'; reason: string }
  | { kind: 'timeout' };

/** Resolves `host` (a name or an IP) within `timeoutMs` and judges every address. */
export async function resolveVaultHost(
  host: string,
  options: RoutingOptions & { timeoutMs: number },
): Promise<VaultAddresses> {
  const found = await withTimeout(lookup(host, { all: true, verbatim: true }), options.timeoutMs);
  if (found.kind !== 'resolved') return found;

  for (const { address } of found.addresses) {
    const range = unroutableRangeOf(address, options);
    if (range !== undefined) return { kind: 'refused', range };
  }
  return { kind: 'resolved', lookup: pinnedLookup(found.addresses) };
}

type Found =
  | { kind: 'resolved'; addresses: LookupAddress[] }
  | { kind: 'unresolved'; reason: string }
  | { kind: 'timeout' };

async function withTimeout(resolving: Promise<LookupAddress[]>, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Found>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const resolved = resolving.then(
    (addresses): Found => ({ kind: 'resolved', addresses }),
    (error: unknown): Found => ({ kind: 'unresolved', reason: reasonOf(error) }),
  );
  try {
    return await Promise.race([resolved, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A lookup for net/tls/undici that answers only the addresses already judged. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = addresses.filter((entry) => !family || entry.family === family);
    const first = usable[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error('no address of the asked family');
      error.code = 'ENOTFOUND';
      callback(error, '');
    } else if (options.all === true) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}
