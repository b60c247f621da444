/**
 * Addresses a Vault URL can never use. TSM's clusters, not this service, connect to Vault, and to
 * each of them a loopback, unspecified or link-local address means the cluster's own node (or
 * the cloud metadata service beside it), never a Vault. Validation refuses them as IP literals
 * and localhost names; the preflight refuses a name that resolves to them, so that neither can
 * be used to probe what this service reaches. Private ranges (10/8, 172.16/12, 192.168/16) stay
 * allowed: Vault commonly lives there.
 */
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address cannot be Vault's. */
export type UnroutableRange = 'loopback' | 'unspecified' | 'link-local' | 'multicast' | 'reserved';

/** Lifts the loopback refusal only, for a test Vault on this machine (VAULT_ALLOW_LOOPBACK). */
export interface RoutingOptions {
  allowLoopback: boolean;
}

type Subnet = [address: string, prefix: number, family: 'ipv4' | 'ipv6'];

// BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 subnets too.
const SUBNETS: Record<UnroutableRange, Subnet[]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  // 0.0.0.0/8 is "this network": connecting to 0.0.0.0 reaches the connecting host itself.
  unspecified: [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ],
  'link-local': [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  multicast: [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ],
  // 240.0.0.0/4 is reserved for future use and holds the limited broadcast 255.255.255.255.
  reserved: [['240.0.0.0', 4, 'ipv4']],
};

const RANGES = Object.entries(SUBNETS).map(([range, subnets]) => {
  const list = new BlockList();
  for (const [address, prefix, family] of subnets) list.addSubnet(address, prefix, family);
  return { range: range as UnroutableRange, list };
});

/** What each range means, for the sentence that refuses it. */
export const RANGE_MEANINGS: Record<UnroutableRange, string> = {
  loopback: 'a loopback address, which points each cluster at itself',
  unspecified: 'the unspecified address, which names no host (a connection to it stays local)',
  'link-local':
    'a link-local address, which each node resolves on its own network link ' +
    '(169.254.169.254 is the cloud metadata service)',
  multicast: 'a multicast address, which names a group, not one Vault server',
  reserved:
    'a reserved address (240.0.0.0/4, with the broadcast address 255.255.255.255), which no ' +
    'Vault server can hold',
};

/**
 * IPv6 prefixes whose addresses carry an IPv4 address that a translator or tunnel connects to,
 * so that e.g. 64:ff9b::7f00:1 reaches 127.0.0.1. The IPv4 address is judged in its place:
 * a NAT64 form of a private Vault address stays allowed. (IPv4-mapped ::ffff:0:0/96 BlockList
 * already matches against the IPv4 subnets.)
 */
const EMBEDDING_PREFIXES: { prefix: ipaddr.IPv6; length: number; firstPart: number }[] = [
  // IPv4-compatible (deprecated, RFC 4291); :: and ::1 themselves are caught as IPv6 first.
  { prefix: ipaddr.IPv6.parse('::'), length: 96, firstPart: 6 },
  // NAT64 well-known prefix (RFC 6052).
  { prefix: ipaddr.IPv6.parse('64:ff9b::'), length: 96, firstPart: 6 },
  // 6to4 (RFC 3056): 2002:WWXX:YYZZ::/48.
  { prefix: ipaddr.IPv6.parse('2002::'), length: 16, firstPart: 1 },
];

function embeddedIPv4(address: string): string | undefined {
  if (!ipaddr.IPv6.isValid(address)) return undefined;
  const parsed = ipaddr.IPv6.parse(address);
  const embedding = EMBEDDING_PREFIXES.find(({ prefix, length }) => parsed.match(prefix, length));
  if (embedding === undefined) return undefined;
  const high = parsed.parts[embedding.firstPart] ?? 0;
  const low = parsed.parts[embedding.firstPart + 1] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The range an IP address (no brackets) falls in, or undefined for a routable or non-IP one. */
export function unroutableRangeOf(
  address: string,
  options: RoutingOptions,
): UnroutableRange | undefined {
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const found = RANGES.find(({ list }) => list.check(address, family))?.range;
  if (found === undefined && family === 'ipv6') {
    const embedded = embeddedIPv4(address);
    return embedded === undefined ? undefined : unroutableRangeOf(embedded, options);
  }
  return found === 'loopback' && options.allowLoopback ? undefined : found;
}

/** The range of a URL host: an IP literal (IPv6 in brackets or not) or a localhost name. */
export function unroutableRangeOfHost(
  host: string,
  options: RoutingOptions,
): UnroutableRange | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return unroutableRangeOf(bare, options);
  // RFC 6761: localhost and every name under it resolve to loopback, whatever DNS says.
  const name = bare.toLowerCase().replace(/\.$/, '');
  const localhost = name === 'localhost' || name.endsWith('.localhost');
  return localhost && !options.allowLoopback ? 'loopback' : undefined;
}
