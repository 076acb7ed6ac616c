import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('reads X-Forwarded-For only through loopback proxies, from the right', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.4')).toBe('198.51.100.4');
    expect(clientAddress('::ffff:127.0.0.1', '10.0.0.9, 198.51.100.4')).toBe('198.51.100.4');
    // A visitor's own X-Forwarded-For before a loopback proxy cannot choose its address.
    expect(clientAddress('127.0.0.1', ['203.0.113.1, 198.51.100.4'])).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.1', '198.51.100.4, 127.0.0.1')).toBe('198.51.100.4');
  });

  it('ignores X-Forwarded-For from anyone else', () => {
    expect(clientAddress('198.51.100.4', '203.0.113.1')).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.1', undefined)).toBe('127.0.0.1');
  });

  it('reads X-Forwarded-For through the proxies TRUST_PROXY names (a balancer on another machine)', () => {
    const balancer = (address: string | undefined) => address === '10.0.0.2' || address === '127.0.0.1';
    expect(clientAddress('10.0.0.2', '198.51.100.4', balancer)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', '203.0.113.1, 198.51.100.4', balancer)).toBe('198.51.100.4');
    // Not named: its header is the client's own claim.
    expect(clientAddress('10.0.0.3', '198.51.100.4', balancer)).toBe('10.0.0.3');
  });

  it('counts an IPv6 client by its /56, like POST /ingest', () => {
    expect(clientAddress('2001:db8:abcd:12ff::1', undefined)).toBe(clientAddress('2001:db8:abcd:1200::99', undefined));
    expect(clientAddress('2001:db8:abcd:12ff::1', undefined)).not.toBe(clientAddress('2001:db8:abcd:1300::1', undefined));
  });
});
