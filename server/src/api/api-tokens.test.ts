import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { hashPasswordNow } from '../auth/password-hashing.js';
import { API_REQUESTS_PER_TOKEN_PER_WINDOW } from '../protocol/limits.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { apiRequest, createToken, recordedApp, type RecordedApp } from './api-test-kit.js';
import { hashApiToken } from './api-tokens-service.js';

let server: TestServer;
let a: RecordedApp;
let b: RecordedApp;

beforeAll(async () => {
  server = await startTestServer();
  a = await recordedApp(server, 'Shop A');
  b = await recordedApp(server, 'Shop B');
});
afterAll(async () => {
  a?.close();
  b?.close();
  await server?.close();
});

describe('API tokens (issue 22)', () => {
  it('is shown once, stored only as its SHA-256, and listed with name, scope, created and last used', async () => {
    const { token, secret } = await createToken(a.owner, a.appId, 'read', 'Warehouse sync');
    expect(secret).toMatch(/^crt_[\w-]{43}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    const stored = await server.db.apiTokens.findByHash(hashApiToken(secret));
    expect(stored).toMatchObject({ appId: a.appId, name: 'Warehouse sync', scope: 'read', lastUsedAt: null });
    // Nowhere in the database is the token itself.
    for await (const { document } of server.db.documents(['api_tokens'])) expect(JSON.stringify(document)).not.toContain(secret.slice(4));

    expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/sessions`)).status).toBe(200);
    const listed = await a.owner.request('GET', `/api/apps/${a.appId}/api-tokens`);
    const row = listed.json.data.tokens.find((t: { id: string }) => t.id === token.id);
    expect(row).toEqual({ id: token.id, name: 'Warehouse sync', scope: 'read', prefix: token.prefix, createdAt: expect.any(String), createdBy: expect.any(String), lastUsedAt: expect.any(String) });
    expect(listed.text).not.toContain(secret);
  });

  it('answers 401 without a token, with a malformed one, and with an unknown one', async () => {
    for (const secret of [null, 'not-a-token', `crt_${'x'.repeat(43)}`, `crt_${'x'.repeat(500)}`]) {
      const answer = await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/sessions`);
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe('E_UNAUTHORIZED');
    }
  });

  it("a token of application A gets 403 on B's routes and 404 for B's session through A", async () => {
    const { secret } = await createToken(a.owner, a.appId, 'write');
    for (const path of [`/api/v1/apps/${b.appId}/sessions`, `/api/v1/apps/${b.appId}/sessions/${b.sessionId}`, `/api/v1/apps/${b.appId}/sessions/${b.sessionId}/recording`, `/api/v1/apps/${b.appId}/conversations`]) {
      const answer = await apiRequest(server.url, secret, 'GET', path);
      expect([path, answer.status, answer.json?.error?.code]).toEqual([path, 403, 'E_FORBIDDEN']);
    }
    expect((await apiRequest(server.url, secret, 'DELETE', `/api/v1/apps/${b.appId}/visitors/${b.visitorId}`)).status).toBe(403);
    for (const path of [`/api/v1/apps/${a.appId}/sessions/${b.sessionId}`, `/api/v1/apps/${a.appId}/sessions/${b.sessionId}/recording`]) {
      expect((await apiRequest(server.url, secret, 'GET', path)).status).toBe(404);
    }
    // B's visitor is untouched by an erasure asked through A.
    expect((await apiRequest(server.url, secret, 'DELETE', `/api/v1/apps/${a.appId}/visitors/${b.visitorId}`)).json.data).toEqual({ sessions: 0, chunks: 0, messages: 0 });
    expect(await server.db.repos.sessions.findById(b.sessionId)).not.toBeNull();
    const listed = await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/sessions`);
    expect(listed.json.data.items.map((s: { id: string }) => s.id)).toEqual([a.sessionId]);
  });

  it('a read-only token gets 403 on erase; a read-write one erases the visitor', async () => {
    const app = await recordedApp(server, 'Shop erase');
    try {
      const read = await createToken(app.owner, app.appId, 'read');
      const refused = await apiRequest(server.url, read.secret, 'DELETE', `/api/v1/apps/${app.appId}/visitors/${app.visitorId}`);
      expect([refused.status, refused.json.error.code]).toEqual([403, 'E_FORBIDDEN']);
      expect(await server.db.repos.sessions.findById(app.sessionId)).not.toBeNull();

      const write = await createToken(app.owner, app.appId, 'write');
      const erased = await apiRequest(server.url, write.secret, 'DELETE', `/api/v1/apps/${app.appId}/visitors/${app.visitorId}`);
      expect(erased.status).toBe(200);
      expect(erased.json.data).toMatchObject({ sessions: 1, chunks: 2 });
      expect(await server.db.repos.sessions.findById(app.sessionId)).toBeNull();
    } finally {
      app.close();
    }
  });

  it('a revoked token gets 401 at once', async () => {
    const { token, secret } = await createToken(a.owner, a.appId, 'read');
    expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/conversations`)).status).toBe(200);
    expect((await a.owner.request('DELETE', `/api/apps/${a.appId}/api-tokens/${token.id}`)).status).toBe(200);
    expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/conversations`)).status).toBe(401);
    expect((await a.owner.request('DELETE', `/api/apps/${a.appId}/api-tokens/${token.id}`)).status).toBe(404);
  });

  it("ends the moment its creator loses the application", async () => {
    // A second owner, member of A, creates a token; the first owner then takes A away from them.
    const email = 'second-owner@test.local';
    const second = await server.db.repos.users.create({ email, passwordHash: hashPasswordNow('second-owner-pass'), role: 'owner', appIds: [a.appId] });
    const client = new HttpClient(server.url);
    await client.signIn(email, 'second-owner-pass');
    const { secret } = await createToken(client, a.appId, 'read');
    expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/sessions`)).status).toBe(200);
    expect((await a.owner.request('DELETE', `/api/team/${second.id}/apps/${a.appId}`)).status).toBe(200);
    expect((await apiRequest(server.url, secret, 'GET', `/api/v1/apps/${a.appId}/sessions`)).status).toBe(401);
  });

  it('only owners of the application create, list or revoke tokens', async () => {
    const agent = await agentOf(server, [a.appId]);
    expect((await agent.request('POST', `/api/apps/${a.appId}/api-tokens`, { name: 'mine', scope: 'read' })).status).toBe(403);
    expect((await agent.request('GET', `/api/apps/${a.appId}/api-tokens`)).status).toBe(403);
    const { token } = await createToken(a.owner, a.appId, 'read');
    expect((await agent.request('DELETE', `/api/apps/${a.appId}/api-tokens/${token.id}`)).status).toBe(403);
    // An owner who is not a member of the application does not learn it exists.
    const outsider = await server.db.repos.users.create({ email: 'outsider@test.local', passwordHash: hashPasswordNow('outsider-pass-1'), role: 'owner', appIds: [] });
    const client = new HttpClient(server.url);
    await client.signIn(outsider.email, 'outsider-pass-1');
    expect((await client.request('POST', `/api/apps/${a.appId}/api-tokens`, { name: 'x', scope: 'read' })).status).toBe(404);
    expect((await a.owner.request('POST', `/api/apps/${a.appId}/api-tokens`, { name: '', scope: 'admin' })).json.error.code).toBe('E_INVALID_PAYLOAD');
  });

  it(`past ${API_REQUESTS_PER_TOKEN_PER_WINDOW} requests a minute a token gets 429 with Retry-After`, async () => {
    const { secret } = await createToken(a.owner, a.appId, 'read');
    const path = `/api/v1/apps/${a.appId}/conversations`;
    for (let sent = 0; sent < API_REQUESTS_PER_TOKEN_PER_WINDOW; sent += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => apiRequest(server.url, secret, 'GET', path)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    }
    const refused = await apiRequest(server.url, secret, 'GET', path);
    expect([refused.status, refused.json.error.code]).toEqual([429, 'E_RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Counted per token: another token of the same application is not limited by it.
    const other = await createToken(a.owner, a.appId, 'read');
    expect((await apiRequest(server.url, other.secret, 'GET', path)).status).toBe(200);
  });
});
