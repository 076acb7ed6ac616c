import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook never reaches unless its owner allows private addresses for that endpoint:
 * loopback, private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * "this network", benchmarking, multicast and reserved ranges, and their IPv6 counterparts.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether `address` (an IP literal) is one a webhook may not reach; IPv4-mapped IPv6 is judged as its IPv4. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return PRIVATE.check(address, 'ipv4');
}

export class AddressRefused extends Error {
  constructor(readonly host: string, readonly address: string | null) {
    super(address ? `${host} resolves to ${address}, a private, loopback or link-local address` : `${host} could not be resolved`);
    this.name = 'AddressRefused';
  }
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Resolves the host (every address it has) and refuses it when any of them is private. Checked when an endpoint is saved. */
export async function checkPublicHost(hostname: string): Promise<void> {
  const host = bareHost(hostname);
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new AddressRefused(host, host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => (error ? reject(new AddressRefused(host, null)) : resolve(found))));
  const refused = addresses.find((entry) => isPrivateAddress(entry.address));
  if (refused || addresses.length === 0) throw new AddressRefused(host, refused?.address ?? null);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The `lookup` of a request's socket: the address the connection is made to is the one checked here,
 * at connect time, so a name that resolved to a public address when it was saved and to a private
 * one now (DNS rebinding) is refused too.
 */
export function publicOnlyLookup(hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses) => {
    if (error) return callback(error, options.all ? [] : '');
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused || addresses.length === 0) return callback(new AddressRefused(hostname, refused?.address ?? null) as NodeJS.ErrnoException, options.all ? [] : '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

export { bareHost };
