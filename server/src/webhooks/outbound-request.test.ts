import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_LOG_RESPONSE_CHARS } from '../protocol/limits.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { isPrivateAddress, isRefusedAddress } from './outbound-address.js';
import { sendWebhook } from './webhook-request.js';

/** The one outbound request: only where configured, public addresses only unless allowed, bounded in time and bytes. */
const opened: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  opened.push(started);
  return started;
}

async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const post = (url: string, allowPrivateAddresses: boolean, timeoutMs?: number) => sendWebhook({ url, body: '{"a":1}', headers: {}, allowPrivateAddresses }, timeoutMs);

describe('webhook requests', () => {
  it('classifies private, loopback, link-local and reserved addresses, IPv4-mapped IPv6 included', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(address), address).toBe(false);
  });

  it('never reaches link-local (cloud metadata) or reserved addresses, even for an endpoint allowed private ones', async () => {
    for (const address of ['169.254.169.254', 'fe80::1', '0.0.0.0', '224.0.0.1', '::ffff:169.254.169.254']) expect(isRefusedAddress(address, true), address).toBe(true);
    for (const address of ['127.0.0.1', '10.0.0.7', '::1']) expect(isRefusedAddress(address, true), address).toBe(false);
    const metadata = await post('http://169.254.169.254/latest/meta-data/', true);
    expect(metadata).toMatchObject({ ok: false, statusCode: null });
    expect(metadata.response).toMatch(/169\.254\.169\.254, a private, loopback or link-local address/);
  });

  it('refuses a loopback IP and a name resolving to loopback (checked at connect time) unless private addresses are allowed', async () => {
    const target = await receiver();
    const byIp = await post(target.url, false);
    const byName = await post(target.url.replace('127.0.0.1', 'localhost'), false);
    expect(byIp).toMatchObject({ ok: false, statusCode: null });
    expect(byName).toMatchObject({ ok: false, statusCode: null });
    expect(byName.response).toMatch(/private, loopback or link-local/);
    expect(target.received).toHaveLength(0);
    expect(await post(target.url.replace('127.0.0.1', 'localhost'), true)).toMatchObject({ ok: true, statusCode: 200 });
    expect(target.received).toHaveLength(1);
  });

  it('does not follow a redirect: a 3xx is a failure and its target is never asked', async () => {
    const target = await receiver();
    const redirecting = await rawServer((_req, res) => res.writeHead(307, { location: target.url }).end());
    const result = await post(redirecting.url, true);
    expect(result).toMatchObject({ ok: false, statusCode: 307 });
    expect(result.response).toMatch(/redirect .* not followed/);
    expect(target.received).toHaveLength(0);
  });

  it('reads a bounded start of an endless response and keeps its first characters', async () => {
    let written = 0;
    const endless = await rawServer((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const result = await post(endless.url, true);
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.response).toBe('x'.repeat(WEBHOOK_LOG_RESPONSE_CHARS));
    // The sender stopped reading: far less than an endless stream was written.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    const silent = await rawServer(() => {});
    const result = await post(silent.url, true, 300);
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.response).toMatch(/no answer within 300 ms/);
  });
});
