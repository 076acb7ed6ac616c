import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FONT_UPLOADS_PER_SESSION, MAX_APP_FONT_BYTES, MAX_FONT_FILE_BYTES } from '../protocol/limits.js';
import { HttpClient } from '../testing/http-client.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession, type StartedVisitor } from '../testing/visitor-client.js';

let server: TestServer;
const SHOP = 'https://shop.example';
const OTHER = 'https://other.example';

/** Bytes with a font signature: the server checks the signature, the size and the hash, not the glyphs. */
const fontBytes = (signature = 'wOF2', size = 2_000) => Buffer.concat([Buffer.from(signature, 'latin1'), randomBytes(size - 4)]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const store = (visitor: StartedVisitor, data: Buffer, hash = sha256(data), extra: Record<string, unknown> = {}) =>
  command<any>(visitor.socket, 'fonts:store', { sessionId: visitor.sessionId, sha256: hash, data, ...extra });
const missing = (visitor: StartedVisitor, hashes: string[]) => command<any>(visitor.socket, 'fonts:missing', { sessionId: visitor.sessionId, hashes });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
afterEach(() => vi.restoreAllMocks());

describe('font files shared by the widget (issue 19)', () => {
  it('stores a font once per application: missing before, not after, and served to its members only', async () => {
    const shop = await createSiteApp(server, [SHOP]);
    const visitor = await startVisitorSession(server.url, { key: shop.key }, SHOP);
    const font = fontBytes('wOF2');
    const hash = sha256(font);

    expect((await missing(visitor, [hash])).data).toEqual({ missing: [hash] });
    expect((await store(visitor, font)).data).toEqual({ stored: true });
    expect((await missing(visitor, [hash])).data).toEqual({ missing: [] });
    // A second page (or session) offering the same file stores nothing and counts nothing again.
    expect((await store(visitor, font)).data).toEqual({ stored: false });
    expect(await server.db.fonts.usedBytes(shop.appId)).toBe(font.length);

    const served = await fetch(`${server.url}/api/apps/${shop.appId}/fonts/${hash}`, { headers: { cookie: shop.owner.cookie } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await served.arrayBuffer()).equals(font)).toBe(true);
    expect((await fetch(`${server.url}/api/apps/${shop.appId}/fonts/${hash}`)).status).toBe(401);

    // Another application neither sees nor serves it: its own visitors are asked for it, its URL answers 404.
    const other = await createSiteApp(server, [OTHER], 'Other shop');
    const stranger = await startVisitorSession(server.url, { key: other.key }, OTHER);
    expect((await missing(stranger, [hash])).data).toEqual({ missing: [hash] });
    expect((await other.owner.request('GET', `/api/apps/${other.appId}/fonts/${hash}`)).status).toBe(404);
    const agent = await agentOf(other.owner, other.appId);
    expect((await agent.request('GET', `/api/apps/${shop.appId}/fonts/${hash}`)).status).toBe(404);
    visitor.socket.close();
    stranger.socket.close();
  });

  it('refuses, each with its code, a file that is not a font, too large, with another hash, or for another session', async () => {
    const shop = await createSiteApp(server, [SHOP], 'Refusing shop');
    const visitor = await startVisitorSession(server.url, { key: shop.key }, SHOP);

    const page = Buffer.from('<!doctype html><html><body>not a font, whatever its name says</body></html>');
    expect((await store(visitor, page)).error.code).toBe('E_NOT_A_FONT');
    expect((await store(visitor, Buffer.from('wOF2'))).error.code).toBe('E_NOT_A_FONT');
    expect((await store(visitor, fontBytes('wOF2', MAX_FONT_FILE_BYTES + 1))).error.code).toBe('E_TOO_LARGE');
    const font = fontBytes('OTTO');
    expect((await store(visitor, font, sha256(fontBytes('OTTO')))).error.code).toBe('E_HASH_MISMATCH');
    expect((await store(visitor, font, 'not-a-hash')).error.code).toBe('E_INVALID_PAYLOAD');
    expect((await command<any>(visitor.socket, 'fonts:store', { sessionId: visitor.sessionId, sha256: sha256(font), data: 'd09GMg==' })).error.code).toBe('E_INVALID_PAYLOAD');

    // Another application's widget key: its socket cannot write into this application's session.
    const other = await createSiteApp(server, [OTHER], 'Foreign shop');
    const foreign = await startVisitorSession(server.url, { key: other.key }, OTHER);
    const intruding = await command<any>(foreign.socket, 'fonts:store', { sessionId: visitor.sessionId, sha256: sha256(font), data: font });
    expect(intruding.error.code).toBe('E_SESSION_MISMATCH');
    expect((await command<any>(foreign.socket, 'fonts:missing', { sessionId: visitor.sessionId, hashes: [] })).error.code).toBe('E_SESSION_MISMATCH');

    expect(await server.db.fonts.stored(shop.appId, [sha256(font), sha256(page)])).toEqual(new Set());
    expect(await server.db.fonts.usedBytes(shop.appId)).toBe(0);
    expect((await store(visitor, font)).data).toEqual({ stored: true });
    visitor.socket.close();
    foreign.socket.close();
  });

  it('keeps an application within its font quota, also when uploads race for the last bytes', async () => {
    const shop = await createSiteApp(server, [SHOP], 'Full shop');
    const visitors = await Promise.all([1, 2, 3].map(() => startVisitorSession(server.url, { key: shop.key }, SHOP)));
    // As if the application stored nearly MAX_APP_FONT_BYTES of fonts already (uploading 20 MB takes long).
    expect(await server.db.fonts.reserve(shop.appId, MAX_APP_FONT_BYTES - 5_000, MAX_APP_FONT_BYTES)).toBe(true);

    // Three files of 3,000 bytes, at once: room for one.
    const answers = await Promise.all(visitors.map((visitor) => store(visitor, fontBytes('true', 3_000))));
    expect(answers.filter((answer) => answer.data?.stored === true)).toHaveLength(1);
    expect(answers.filter((answer) => answer.error?.code === 'E_FONT_QUOTA_EXCEEDED')).toHaveLength(2);
    expect(await server.db.fonts.usedBytes(shop.appId)).toBe(MAX_APP_FONT_BYTES - 2_000);
    // A file already stored costs nothing, so it is still taken.
    const known = answers.findIndex((answer) => answer.data?.stored === true);
    expect((await missing(visitors[known], [])).data).toEqual({ missing: [] });
    for (const visitor of visitors) visitor.socket.close();
  });

  it('limits the uploads of one session per minute', async () => {
    const shop = await createSiteApp(server, [SHOP], 'Busy shop');
    const visitor = await startVisitorSession(server.url, { key: shop.key }, SHOP);
    const answers = [];
    for (let i = 0; i <= FONT_UPLOADS_PER_SESSION; i++) answers.push(await store(visitor, fontBytes('wOFF', 100)));
    expect(answers.slice(0, FONT_UPLOADS_PER_SESSION).every((answer) => answer.data?.stored === true)).toBe(true);
    expect(answers.at(-1).error.code).toBe('E_RATE_LIMITED');
    visitor.socket.close();
  });

  it('never fetches anything: URLs in font commands and recorded font events are refused or ignored', async () => {
    const requests: string[] = [];
    const trap = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('wOF2 trap');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/font.woff2`;
    const shop = await createSiteApp(server, [SHOP], 'Trap shop');
    const visitor = await startVisitorSession(server.url, { key: shop.key }, SHOP);
    // From here on, every way this process could make a request is watched (the server runs in it).
    const outgoing = [vi.spyOn(globalThis, 'fetch'), vi.spyOn(http, 'request'), vi.spyOn(http, 'get'), vi.spyOn(https, 'request'), vi.spyOn(https, 'get')];
    try {
      expect((await missing(visitor, [trapUrl])).error.code).toBe('E_INVALID_PAYLOAD');
      expect((await store(visitor, Buffer.alloc(0), sha256(Buffer.alloc(0)), { url: trapUrl, data: undefined })).error.code).toBe('E_INVALID_PAYLOAD');
      const font = fontBytes();
      expect((await store(visitor, font, sha256(font), { url: trapUrl })).error.code).toBe('E_INVALID_PAYLOAD');
      expect((await command<any>(visitor.socket, 'fonts:store', { sessionId: visitor.sessionId, sha256: sha256(font), data: trapUrl })).error.code).toBe('E_INVALID_PAYLOAD');
      // A recording that names the URL in a chatreel/fonts event is stored as data, never followed.
      const { gzipSync } = await import('node:zlib');
      const events = [{ type: 5, timestamp: Date.now(), data: { tag: 'chatreel/fonts', payload: { fonts: [{ family: 'Trap', url: trapUrl, sha256: sha256(font) }] } } }];
      expect((await command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: gzipSync(JSON.stringify(events)) })).data.stored).toBe(true);
      await server.app.sessions.end(visitor.sessionId, 'visitor-ended');
      await new Promise((resolve) => setTimeout(resolve, 500)); // insights read the completed recording meanwhile
      visitor.socket.close();
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
    expect(requests).toEqual([]);
    for (const spy of outgoing) expect(spy).not.toHaveBeenCalled();
  });
});

/** An agent of `appId` only (invited by its owner), signed in. */
async function agentOf(owner: HttpClient, appId: string): Promise<HttpClient> {
  const email = `agent-${randomBytes(4).toString('hex')}@test.local`;
  const password = 'a-long-enough-password';
  const invited = await owner.request('POST', '/api/team', { email, password, appIds: [appId] });
  if (invited.status !== 201) throw new Error(`could not invite an agent: ${invited.status} ${invited.text}`);
  const agent = new HttpClient(server.url);
  await agent.signIn(email, password);
  return agent;
}
