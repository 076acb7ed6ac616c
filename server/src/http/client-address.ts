import { isIPv6 } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
/** The default `trust proxy`: loopback only. */
const loopbackOnly = (address: string | undefined) => LOOPBACK.test(address ?? '');

/**
 * The address a rate limit counts against, for a Socket.IO handshake (which Express never sees):
 * the same rule as the app's `trust proxy` (`trusted`, Express's compiled one; loopback by default)
 * — X-Forwarded-For is read only while the hop it came from is a trusted proxy, from the right —
 * then IPv6 reduced to its /56 as for `/ingest`.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: (address: string | undefined, hop: number) => boolean = loopbackOnly,
): string {
  const hops = [remoteAddress ?? '', ...[forwardedFor ?? ''].flat().join(',').split(',').map((hop) => hop.trim()).filter(Boolean).reverse()];
  let address = hops[0];
  for (let i = 0; i < hops.length - 1 && trusted(address, i); i += 1) address = hops[i + 1];
  return isIPv6(address) ? ipKeyGenerator(address) : address;
}
