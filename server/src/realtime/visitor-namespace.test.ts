import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake } from '../testing/visitor-client.js';

let server: TestServer;
let key: string;
const SHOP = 'https://shop.example';

beforeAll(async () => {
  server = await startTestServer();
  const owner = new HttpClient(server.url);
  await owner.signIn();
  const created = await owner.request('POST', '/api/apps', { name: 'Shop', allowedOrigins: [SHOP, 'https://*.shop.example'] });
  key = created.json.data.app.publicKey;
});
afterAll(() => server?.close());

describe('widget handshake', () => {
  it('is refused for an unknown key', async () => {
    const socket = connectVisitor(server.url, { key: 'pk_doesnotexist123' }, SHOP);
    expect(await handshake(socket)).toEqual({ ok: false, error: { code: 'E_UNKNOWN_KEY', message: 'No application has this widget key.' } });
    socket.close();
  });

  it('is refused for a malformed or missing key', async () => {
    for (const auth of [{}, { key: 42 }, { key: '<script>' }] as never[]) {
      const socket = connectVisitor(server.url, auth, SHOP);
      const outcome = await handshake(socket);
      expect(outcome.ok ? '' : outcome.error.code).toBe('E_UNKNOWN_KEY');
      socket.close();
    }
  });

  it('is refused from an origin the application does not allow', async () => {
    for (const origin of ['https://evil.example', 'http://shop.example', 'https://shop.example.evil.com', 'null']) {
      const socket = connectVisitor(server.url, { key }, origin);
      const outcome = await handshake(socket);
      expect(outcome.ok ? 'connected' : outcome.error.code, origin).toBe('E_ORIGIN_NOT_ALLOWED');
      socket.close();
    }
  });

  it('is accepted from an allowed origin (exact or wildcard subdomain) and gives a visitor id', async () => {
    for (const origin of [SHOP, 'https://www.shop.example']) {
      const socket = connectVisitor(server.url, { key }, origin);
      const outcome = await handshake(socket);
      expect(outcome.ok, origin).toBe(true);
      if (outcome.ok) {
        expect(outcome.ready.visitorId).toMatch(/^[\w-]{16,}$/);
        expect(outcome.ready.settings.appName).toBe('Shop');
        expect(outcome.ready.session).toBeNull();
      }
      socket.close();
    }
  });

  it('accepts the demo application only from the server itself', async () => {
    const demo = (await server.db.repos.apps.findDemo())!;
    const same = connectVisitor(server.url, { key: demo.publicKey }, server.url);
    expect((await handshake(same)).ok).toBe(true);
    same.close();
    const foreign = connectVisitor(server.url, { key: demo.publicKey }, SHOP);
    expect(await handshake(foreign)).toMatchObject({ ok: false, error: { code: 'E_ORIGIN_NOT_ALLOWED' } });
    foreign.close();
  });
});

describe('visitor sessions', () => {
  it('starts a session, resumes it on the next page, and ends it', async () => {
    const first = connectVisitor(server.url, { key }, SHOP);
    const welcome = await handshake(first);
    if (!welcome.ok) throw new Error(welcome.error.code);
    // The next page sends back the id and token the widget kept.
    const { visitorId, visitorToken } = welcome.ready;
    const started = await command<any>(first, 'session:start', { url: `${SHOP}/`, viewport: { width: 1280, height: 800 } });
    expect(started.data.resumed).toBe(false);
    first.close();

    const second = connectVisitor(server.url, { key, visitorId, visitorToken }, SHOP);
    const ready = await handshake(second);
    expect(ready.ok && ready.ready.session?.id).toBe(started.data.session.id);
    const resumed = await command<any>(second, 'session:start', { url: `${SHOP}/checkout`, viewport: { width: 1280, height: 800 } });
    expect(resumed.data).toMatchObject({ resumed: true, session: { id: started.data.session.id, status: 'active' } });

    const stored = await server.db.repos.sessions.findById(started.data.session.id);
    expect(stored).toMatchObject({ landingUrl: `${SHOP}/`, pageCount: 2, status: 'active' });
    expect(stored!.pages.map((page) => page.url)).toEqual([`${SHOP}/`, `${SHOP}/checkout`]);

    const ended = await command<any>(second, 'session:end');
    expect(ended.data.session.status).toBe('completed');
    second.close();
  });

  it('answers a malformed command with E_INVALID_PAYLOAD and keeps the connection', async () => {
    const socket = connectVisitor(server.url, { key }, SHOP);
    await handshake(socket);
    const bad = await command<any>(socket, 'session:start', { url: 'javascript:alert(1)', viewport: { width: 1, height: 1 } });
    expect(bad.error.code).toBe('E_INVALID_PAYLOAD');
    const ping = await command<any>(socket, 'widget:ping');
    expect(typeof ping.data.serverTime).toBe('number');
    socket.close();
  });
});
