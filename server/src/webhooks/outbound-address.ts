import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

type Ranges = ReadonlyArray<readonly [string, number]>;

function blockList(v4: Ranges, v6: Ranges): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/**
 * Never reached, even by an endpoint allowed private addresses: link-local (cloud metadata at
 * 169.254.169.254), "this network", multicast and reserved ranges — no webhook receiver lives there.
 */
const NEVER_V4: Ranges = [['0.0.0.0', 8], ['169.254.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]];
const NEVER_V6: Ranges = [['::', 128], ['fe80::', 10], ['ff00::', 8]];
/** Reached only by an endpoint whose owner allows private addresses: loopback, private networks, carrier-grade NAT, benchmarking, NAT64, documentation. */
const PRIVATE_V4: Ranges = [['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15]];
const PRIVATE_V6: Ranges = [['::1', 128], ['fc00::', 7], ['64:ff9b::', 96], ['2001:db8::', 32]];

const NEVER = blockList(NEVER_V4, NEVER_V6);
const NEVER_OR_PRIVATE = blockList([...NEVER_V4, ...PRIVATE_V4], [...NEVER_V6, ...PRIVATE_V6]);

function inList(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it connects to.
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address) : null;
  if (mapped) return list.check(mapped[1], 'ipv4');
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether `address` (an IP literal) is one a webhook may not reach without the endpoint's permission. */
export const isPrivateAddress = (address: string): boolean => inList(NEVER_OR_PRIVATE, address);

/** Whether a webhook may not connect to `address`, given the endpoint's permission for private addresses. */
export const isRefusedAddress = (address: string, allowPrivate: boolean): boolean => inList(allowPrivate ? NEVER : NEVER_OR_PRIVATE, address);

export class AddressRefused extends Error {
  constructor(readonly host: string, readonly address: string | null) {
    super(address ? `${host} resolves to ${address}, a private, loopback or link-local address` : `${host} could not be resolved`);
    this.name = 'AddressRefused';
  }
}

export const bareHost = (hostname: string): string => hostname.replace(/^\[|\]$/g, '');

/** Resolves the host (every address it has) and refuses it when any of them may not be reached. Checked when an endpoint is saved. */
export async function checkHost(hostname: string, allowPrivate: boolean): Promise<void> {
  const host = bareHost(hostname);
  if (isIP(host)) {
    if (isRefusedAddress(host, allowPrivate)) throw new AddressRefused(host, host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => (error ? reject(new AddressRefused(host, null)) : resolve(found))));
  const refused = addresses.find((entry) => isRefusedAddress(entry.address, allowPrivate));
  if (refused || addresses.length === 0) throw new AddressRefused(host, refused?.address ?? null);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => void;

/**
 * The `lookup` of a request's socket: the address the connection is made to is the one checked here,
 * at connect time, so a name that resolved to a public address when it was saved and to a private
 * one now (DNS rebinding) is refused too.
 */
export function guardedLookup(allowPrivate: boolean): Lookup {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '');
      const refused = addresses.find((entry) => isRefusedAddress(entry.address, allowPrivate));
      if (refused || addresses.length === 0) return callback(new AddressRefused(hostname, refused?.address ?? null) as NodeJS.ErrnoException, options.all ? [] : '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
