import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf, chatVisitor, consoleSocket, recordEvents, SITE, waitFor } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { connectVisitor, handshake } from '../testing/visitor-client.js';

/** Issue 18: owners rename, delete and re-key their applications; members who are agents may not. */

let server: TestServer;
let owner: HttpClient;
let agent: HttpClient;
let outsider: HttpClient;

async function newApp(name: string) {
  const created = await owner.request('POST', '/api/apps', { name, allowedOrigins: [SITE] });
  return created.json.data.app as { id: string; name: string; publicKey: string };
}

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  outsider = await agentOf(server, []);
});
afterAll(() => server?.close());

describe('widget key rotation', () => {
  it('refuses the old key for new connections at once and accepts the new one', async () => {
    const app = await newApp('Rotating shop');
    const rotated = await owner.request('POST', `/api/apps/${app.id}/rotate-key`);
    expect(rotated.status).toBe(200);
    const newKey = rotated.json.data.app.publicKey as string;
    expect(newKey).toMatch(/^pk_[\w-]{24}$/);
    expect(newKey).not.toBe(app.publicKey);
    const old = await handshake(connectVisitor(server.url, { key: app.publicKey }, SITE));
    expect(old).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_KEY' } });
    const fresh = connectVisitor(server.url, { key: newKey }, SITE);
    expect((await handshake(fresh)).ok).toBe(true);
    fresh.close();
  });

  it('is for owners of the application only: a member agent gets 403, anyone else 404', async () => {
    const app = await newApp('Guarded shop');
    agent = await agentOf(server, [app.id]);
    expect((await agent.request('POST', `/api/apps/${app.id}/rotate-key`)).status).toBe(403);
    expect((await outsider.request('POST', `/api/apps/${app.id}/rotate-key`)).status).toBe(404);
    expect((await agent.request('DELETE', `/api/apps/${app.id}`, { confirmName: app.name })).status).toBe(403);
    expect((await outsider.request('DELETE', `/api/apps/${app.id}`, { confirmName: app.name })).status).toBe(404);
    expect((await agent.request('PATCH', `/api/apps/${app.id}`, { name: 'Renamed by agent' })).status).toBe(403);
    expect((await server.db.repos.apps.findById(app.id))).toMatchObject({ name: app.name, publicKey: app.publicKey });
  });
});

describe('renaming and deleting an application', () => {
  it('renames an application', async () => {
    const app = await newApp('Old name');
    const renamed = await owner.request('PATCH', `/api/apps/${app.id}`, { name: '  New name  ' });
    expect(renamed.json.data.app.name).toBe('New name');
  });

  it('deletes only when the name is typed exactly, then erases its data and ends its live connections', async () => {
    const app = await newApp('Doomed shop');
    const member = await agentOf(server, [app.id]);
    const memberConsole = await consoleSocket(server, member.cookie);
    const told = recordEvents(memberConsole as never, ['console:apps']);
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('hello before the end');
    // No AI here: the chat moves to waiting with a note; let that land before the erasure.
    await waitFor(() => visitor.events.some((event) => event.name === 'chat:state'), 'the chat waiting for a person');
    const disconnected = new Promise((resolve) => visitor.socket.once('disconnect', resolve));

    const wrong = await owner.request('DELETE', `/api/apps/${app.id}`, { confirmName: 'doomed shop' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('E_NAME_MISMATCH');
    expect(await server.db.repos.apps.findById(app.id)).not.toBeNull();

    const deleted = await owner.request('DELETE', `/api/apps/${app.id}`, { confirmName: 'Doomed shop' });
    expect(deleted.status).toBe(200);
    await disconnected;
    await waitFor(() => told.find((event) => !event.payload.appIds.includes(app.id)), 'the member told the application is gone');
    expect(await server.db.repos.apps.findById(app.id)).toBeNull();
    expect(await server.db.repos.sessions.findById(visitor.sessionId)).toBeNull();
    expect(await server.db.repos.messages.listAfter(visitor.sessionId, 0, 10)).toEqual([]);
    const left: string[] = [];
    for await (const { collection, document } of server.db.documents()) if (JSON.stringify(document).includes(app.id)) left.push(collection);
    expect(left).toEqual([]);
    expect((await owner.request('GET', `/api/apps/${app.id}`)).status).toBe(404);
    expect((await handshake(connectVisitor(server.url, { key: app.publicKey }, SITE))).ok).toBe(false);
    memberConsole.close();
  });
});
