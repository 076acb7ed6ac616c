import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake } from '../testing/visitor-client.js';

type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;

let server: TestServer;
let owner: HttpClient;
let agent: HttpClient;
let agentId: string;
const apps: Record<'a' | 'b', { id: string; key: string }> = {} as never;
const sockets: Array<{ close(): void }> = [];

function connectConsole(client: HttpClient): Promise<ConsoleSocket> {
  const socket: ConsoleSocket = io(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie: client.cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('console:ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A visitor of application `which` starts a session; resolves with its id. */
async function startSession(which: 'a' | 'b'): Promise<string> {
  const visitor = connectVisitor(server.url, { key: apps[which].key }, 'https://shop.example.com');
  sockets.push(visitor);
  const ready = await handshake(visitor);
  if (!ready.ok) throw new Error(ready.error.code);
  const ack = await command<{ data: { session: { id: string } } }>(visitor, 'session:start', { url: 'https://shop.example.com/x', viewport: { width: 1, height: 1 } });
  return ack.data.session.id;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  for (const which of ['a', 'b'] as const) {
    const app = (await owner.request('POST', '/api/apps', { name: `App ${which}`, allowedOrigins: ['https://shop.example.com'] })).json.data.app;
    apps[which] = { id: app.id, key: app.publicKey };
  }
  const invite = await owner.request('POST', '/api/team', { email: 'agent-b@test.local', appIds: [apps.b.id] });
  agentId = invite.json.data.member.id;
  agent = new HttpClient(server.url);
  await agent.signIn('agent-b@test.local', invite.json.data.password);
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

describe('cross-application access', () => {
  it("answers 404 for another application's sessions, counters, feed, chart and replay", async () => {
    const sessionOfA = await startSession('a');
    for (const path of [`sessions/${sessionOfA}/replay`, 'sessions', 'counters', 'activity', 'activity/chart', 'sessions?status=active']) {
      const res = await agent.request('GET', `/api/apps/${apps.a.id}/${path}`);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('E_NOT_FOUND');
      // An id that names no application answers the same, so existence is not revealed.
      const unknown = await agent.request('GET', `/api/apps/0123456789abcdef01234567/${path}`);
      expect(unknown.status).toBe(404);
    }
    expect((await agent.request('GET', `/api/apps/${apps.b.id}/sessions`)).status).toBe(200);
    expect((await new HttpClient(server.url).request('GET', `/api/apps/${apps.b.id}/sessions`)).status).toBe(401);
  });

  it("a console socket never receives another application's session events", async () => {
    const agentSocket = await connectConsole(agent);
    const ownerSocket = await connectConsole(owner);
    const seenByAgent: string[] = [];
    agentSocket.on('session:changed', ({ session }) => seenByAgent.push(session.appId));
    const ownerSaw = new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      ownerSocket.on('session:changed', ({ session }) => {
        seen.push(session.appId);
        if (seen.length === 2) resolve(seen);
      });
    });
    await startSession('a');
    await startSession('b');
    expect((await ownerSaw).sort()).toEqual([apps.a.id, apps.b.id].sort());
    await expect.poll(() => seenByAgent).toEqual([apps.b.id]);
  });

  it("a console socket never receives another application's prompts", async () => {
    const agentSocket = await connectConsole(agent);
    const ownerSocket = await connectConsole(owner);
    const promptsSeenByAgent: string[] = [];
    agentSocket.on('chat:conversation', ({ conversation }) => promptsSeenByAgent.push(conversation.appId));
    agentSocket.on('prompt:created', ({ appId }) => promptsSeenByAgent.push(appId));
    const ownerSaw = new Promise<string>((resolve) => ownerSocket.on('chat:conversation', ({ conversation }) => resolve(conversation.appId)));
    const ownerPrompt = new Promise<{ appId: string; text: string }>((resolve) =>
      ownerSocket.on('prompt:created', ({ appId, prompt }) => resolve({ appId, text: prompt.text })),
    );
    const visitor = connectVisitor(server.url, { key: apps.a.key }, 'https://shop.example.com');
    sockets.push(visitor);
    await handshake(visitor);
    await command(visitor, 'session:start', { url: 'https://shop.example.com/x', viewport: { width: 1, height: 1 } });
    const sent = await command<{ data?: unknown }>(visitor, 'chat:send', { text: 'a secret question', clientId: 'isolation-0001' });
    expect(sent.data).toBeDefined();
    expect(await ownerSaw).toBe(apps.a.id);
    expect(await ownerPrompt).toEqual({ appId: apps.a.id, text: 'a secret question' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(promptsSeenByAgent).toEqual([]);
    // And the prompt is in A's feed, not reachable through B.
    const feedA = await owner.request('GET', `/api/apps/${apps.a.id}/activity?filter=prompts`);
    expect(feedA.json.data.items.map((item: { text: string }) => item.text)).toContain('a secret question');
    const feedB = await agent.request('GET', `/api/apps/${apps.b.id}/activity?filter=prompts`);
    expect(feedB.text).not.toContain('a secret question');
  });

  it('taking a membership away stops live events and REST at once; removing the user disconnects them', async () => {
    const agentSocket = await connectConsole(agent);
    const seen: string[] = [];
    agentSocket.on('session:changed', ({ session }) => seen.push(session.id));
    const taken = await owner.request('DELETE', `/api/team/${agentId}/apps/${apps.b.id}`);
    expect(taken.json.data.member.appIds).toEqual([]);
    expect((await agent.request('GET', `/api/apps/${apps.b.id}/sessions`)).status).toBe(404);

    const ownerSocket = await connectConsole(owner);
    const ownerSaw = new Promise<string>((resolve) => ownerSocket.once('session:changed', ({ session }) => resolve(session.id)));
    const hidden = await startSession('b');
    expect(await ownerSaw).toBe(hidden);
    expect(seen).not.toContain(hidden);

    const given = await owner.request('PUT', `/api/team/${agentId}/apps/${apps.b.id}`);
    expect(given.json.data.member.appIds).toEqual([apps.b.id]);
    const agentSaw = new Promise<string>((resolve) => agentSocket.once('session:changed', ({ session }) => resolve(session.id)));
    const visible = await startSession('b');
    expect(await agentSaw).toBe(visible);

    const disconnected = new Promise<string>((resolve) => agentSocket.once('disconnect', resolve));
    expect((await owner.request('DELETE', `/api/team/${agentId}`)).status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    expect((await agent.request('GET', '/api/auth/me')).status).toBe(401);
  });
});
