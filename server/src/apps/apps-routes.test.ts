import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPasswordNow as hashPassword } from '../auth/password-hashing.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { connectVisitor, handshake } from '../testing/visitor-client.js';

let server: TestServer;
let owner: HttpClient;
let agent: HttpClient;
let outsider: HttpClient;
let appId: string;

async function userClient(email: string, role: 'owner' | 'agent', appIds: string[]) {
  await server.db.repos.users.create({ email, passwordHash: hashPassword('agent-password-1'), role, appIds });
  const client = new HttpClient(server.url);
  await client.signIn(email, 'agent-password-1');
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  const created = await owner.request('POST', '/api/apps', { name: 'Shop', allowedOrigins: ['https://shop.example'] });
  appId = created.json.data.app.id;
  agent = await userClient('agent@test.local', 'agent', [appId]);
  outsider = await userClient('outsider@test.local', 'owner', []);
});
afterAll(() => server?.close());

describe('applications', () => {
  it('creates an application with a public key and default settings', async () => {
    const response = await owner.request('GET', `/api/apps/${appId}`);
    expect(response.json.data.app).toMatchObject({
      name: 'Shop',
      allowedOrigins: ['https://shop.example'],
      publicKey: expect.stringMatching(/^pk_[\w-]{24}$/),
      settings: { recording: { startOn: 'first-message', maskAllInputs: true }, privacy: { notifyWhenWatched: true }, retentionDays: 30 },
    });
  });

  it('validates names and origins', async () => {
    const bad = await owner.request('POST', '/api/apps', { name: '', allowedOrigins: ['not an origin'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('E_INVALID_PAYLOAD');
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(['name', 'allowedOrigins.0']);
  });

  it('normalizes origins written with a trailing slash, and refuses a path with a sentence', async () => {
    const created = await owner.request('POST', '/api/apps', { name: 'Slashes', allowedOrigins: ['https://Shop.Example.com/', 'http://localhost:8080/'] });
    expect(created.status).toBe(201);
    expect(created.json.data.app.allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    const path = await owner.request('PATCH', `/api/apps/${created.json.data.app.id}`, { allowedOrigins: ['https://shop.example.com/checkout'] });
    expect(path.status).toBe(400);
    expect(path.json.error).toMatchObject({
      code: 'E_INVALID_PAYLOAD',
      message: '"https://shop.example.com/checkout" is not a website origin: write its scheme and host only, such as https://www.example.com or https://*.example.com.',
      details: [{ path: 'allowedOrigins.0' }],
    });
  });

  it('patches one setting without resetting its siblings', async () => {
    await owner.request('PATCH', `/api/apps/${appId}`, { settings: { ai: { systemPrompt: 'Be brief.' } } });
    const patched = await owner.request('PATCH', `/api/apps/${appId}`, { settings: { ai: { enabled: false }, retentionDays: 7 } });
    expect(patched.status).toBe(200);
    expect(patched.json.data.app.settings.ai).toMatchObject({ enabled: false, systemPrompt: 'Be brief.', dailyTokenCap: 200_000 });
    expect(patched.json.data.app.settings.retentionDays).toBe(7);
    const unknown = await owner.request('PATCH', `/api/apps/${appId}`, { settings: { ai: { temperature: 2 } } });
    expect(unknown.json.error.code).toBe('E_INVALID_PAYLOAD');
  });

  it('shows the identity secret to owners only, and never to the widget', async () => {
    await owner.request('PATCH', `/api/apps/${appId}`, { settings: { identity: { secret: 'a-very-secret-identity-key', enforce: true } } });
    expect((await owner.request('GET', `/api/apps/${appId}`)).json.data.app.settings.identity.secret).toBe('a-very-secret-identity-key');
    const seenByAgent = (await agent.request('GET', `/api/apps/${appId}`)).json.data.app.settings.identity;
    expect(seenByAgent).toEqual({ secret: null, enforce: true });

    const app = (await server.db.repos.apps.findById(appId))!;
    const socket = connectVisitor(server.url, { key: app.publicKey }, 'https://shop.example');
    const outcome = await handshake(socket);
    socket.close();
    expect(JSON.stringify(outcome)).not.toContain('a-very-secret-identity-key');
    expect(JSON.stringify(outcome)).not.toContain('Be brief.');
  });

  it('lets only owners change an application', async () => {
    const response = await agent.request('PATCH', `/api/apps/${appId}`, { name: 'Hijacked' });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('E_FORBIDDEN');
    expect((await agent.request('POST', '/api/apps', { name: 'Mine' })).status).toBe(403);
  });

  it("answers 404 for another application's data, as for one that does not exist", async () => {
    const foreign = await outsider.request('GET', `/api/apps/${appId}`);
    const missing = await outsider.request('GET', '/api/apps/000000000000000000000000');
    const garbage = await outsider.request('GET', '/api/apps/%24where');
    expect([foreign.status, missing.status, garbage.status]).toEqual([404, 404, 404]);
    expect(foreign.json).toEqual(missing.json);
    expect((await outsider.request('PATCH', `/api/apps/${appId}`, { name: 'x' })).status).toBe(404);
    expect((await outsider.request('GET', '/api/apps')).json.data.apps).toEqual([]);
  });
});
