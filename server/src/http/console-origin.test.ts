import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatApp, SITE } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, TEST_OWNER, type TestServer } from '../testing/test-server.js';
import { connectVisitor, handshake } from '../testing/visitor-client.js';

/**
 * Issue 14, class 6: the console trusts its own origin only. A page on another port or on a sibling
 * subdomain (same site: the SameSite=Lax cookie is sent along) must not open /console or change anything.
 */

const CONFIGURED = 'https://console.example.com';

let server: TestServer;
let owner: HttpClient;
let port: string;
const closers: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  server = await startTestServer({ CONSOLE_ORIGINS: `${CONFIGURED}, http://localhost:9` });
  owner = new HttpClient(server.url);
  await owner.signIn();
  port = new URL(server.url).port;
});
afterAll(async () => {
  for (const closer of closers) closer.close();
  await server?.close();
});

/** Opens /console with the owner's cookie and these headers: 'ready', or the refusal's code. */
function consoleHandshake(headers: Record<string, string>): Promise<string> {
  const socket = io(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie: owner.cookie, ...headers }, forceNew: true, reconnection: false });
  closers.push(socket);
  return new Promise((resolve) => {
    socket.once('console:ready', () => resolve('ready'));
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code ?? error.message));
  });
}

describe('console socket origin', () => {
  it('refuses a handshake from another origin even with a valid cookie', async () => {
    expect(await consoleHandshake({ origin: `http://evil.localhost:${port}` })).toBe('E_FOREIGN_ORIGIN');
    expect(await consoleHandshake({ origin: 'http://127.0.0.1:1' })).toBe('E_FOREIGN_ORIGIN');
    expect(await consoleHandshake({ origin: `https://127.0.0.1:${port}` })).toBe('E_FOREIGN_ORIGIN');
    expect(await consoleHandshake({ origin: 'null' })).toBe('E_FOREIGN_ORIGIN');
    // No Origin, but fetch metadata says a sibling subdomain's page asked (a no-cors request).
    expect(await consoleHandshake({ 'sec-fetch-site': 'same-site' })).toBe('E_FOREIGN_ORIGIN');
  });

  it("accepts the console's own origin: as addressed, as a trusted proxy forwards it, or as configured", async () => {
    expect(await consoleHandshake({ origin: server.url })).toBe('ready');
    expect(await consoleHandshake({ origin: server.url.replace('127.0.0.1', 'LOCALHOST'), host: `localhost:${port}` })).toBe('ready');
    expect(await consoleHandshake({ origin: 'https://chat.example.com', 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https' })).toBe('ready');
    expect(await consoleHandshake({ origin: CONFIGURED })).toBe('ready');
    expect(await consoleHandshake({ 'sec-fetch-site': 'same-origin' })).toBe('ready');
  });

  it('still lets the widget connect from its application’s origin (the visitor namespace is cross-origin by design)', async () => {
    const { app } = await createChatApp(server, 'Widget origins');
    const visitor = connectVisitor(server.url, { key: app.publicKey }, SITE);
    closers.push(visitor);
    expect((await handshake(visitor)).ok).toBe(true);
    const stranger = connectVisitor(server.url, { key: app.publicKey }, `http://evil.localhost:${port}`);
    closers.push(stranger);
    expect(await handshake(stranger)).toMatchObject({ ok: false, error: { code: 'E_ORIGIN_NOT_ALLOWED' } });
  });
});

describe('state-changing API requests', () => {
  it('refuses every method but GET from another origin with 403 E_FOREIGN_ORIGIN, and changes nothing', async () => {
    const foreign = { origin: `http://evil.localhost:${port}` };
    const created = await owner.request('POST', '/api/apps', { name: 'Planted', allowedOrigins: [] }, foreign);
    expect([created.status, created.json.error.code]).toEqual([403, 'E_FOREIGN_ORIGIN']);
    const apps = (await owner.request('GET', '/api/apps', undefined, foreign)).json.data.apps;
    expect(apps.map((app: { name: string }) => app.name)).not.toContain('Planted');
    const [app] = apps;
    for (const [method, path] of [
      ['PATCH', `/api/apps/${app.id}`],
      ['PUT', '/api/team/0123456789abcdef01234567/role'],
      ['DELETE', '/api/team/0123456789abcdef01234567'],
    ]) {
      const answer = await owner.request(method, path, { settings: { greeting: 'planted' } }, foreign);
      expect([answer.status, answer.json.error.code], `${method} ${path}`).toEqual([403, 'E_FOREIGN_ORIGIN']);
    }
    expect((await owner.request('GET', `/api/apps/${app.id}`)).json.data.app.settings.greeting).not.toBe('planted');
  });

  it('refuses sign-out and sign-in from another origin (the sign-in stays; no login CSRF)', async () => {
    const foreign = { origin: `http://127.0.0.1:1` };
    const logout = await owner.request('POST', '/api/auth/logout', undefined, foreign);
    expect([logout.status, logout.json.error.code]).toEqual([403, 'E_FOREIGN_ORIGIN']);
    expect((await owner.request('GET', '/api/auth/me')).status).toBe(200);
    const login = await new HttpClient(server.url).request('POST', '/api/auth/login', TEST_OWNER, foreign);
    expect([login.status, login.setCookie]).toEqual([403, []]);
  });

  it('without Origin, decides by Sec-Fetch-Site, and refuses a cookie that comes with neither', async () => {
    const bare = new HttpClient(server.url, null);
    bare.cookie = owner.cookie;
    for (const site of ['cross-site', 'same-site']) {
      const answer = await bare.request('POST', '/api/apps', { name: `From ${site}` }, { 'sec-fetch-site': site });
      expect([answer.status, answer.json.error.code], site).toEqual([403, 'E_FOREIGN_ORIGIN']);
    }
    expect((await bare.request('POST', '/api/apps', { name: 'Neither header' })).json.error.code).toBe('E_FOREIGN_ORIGIN');
    expect((await bare.request('POST', '/api/apps', { name: 'Same origin' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    // Without the cookie there is nobody to act for: a script signing in with curl is not a browser attack.
    expect((await new HttpClient(server.url, null).request('POST', '/api/auth/login', TEST_OWNER)).status).toBe(200);
  });

  it('leaves reads alone and grants no other origin CORS access to them', async () => {
    const read = await owner.request('GET', '/api/apps', undefined, { origin: `http://evil.localhost:${port}` });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});
