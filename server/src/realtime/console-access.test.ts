import { gzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/auth-service.js';
import { hashPasswordNow } from '../auth/password-hashing.js';
import { ack, chatVisitor, consoleSocket, createChatApp, recordEvents, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/**
 * Issue 14, class 7: access ends the moment it is taken away. Each test sends live traffic after the
 * change was acknowledged and checks that a control console (the owner's) got it while the one whose
 * access ended did not.
 */

/** After the control has received the traffic, how long the other console is watched for stray events. */
const QUIET_WINDOW_MS = 500;
const LIVE_EVENTS = ['replay:batch', 'chat:message', 'chat:conversation', 'session:changed', 'prompt:created'];

let server: TestServer;
let owner: HttpClient;
let app: { id: string; publicKey: string };
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ owner, app } = await createChatApp(server, 'Access app'));
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

let accounts = 0;
/** An account with a known password, signed in once (`client`); `signIn()` opens another sign-in. */
async function account(role: 'owner' | 'agent', appIds: string[]) {
  const email = `access-${++accounts}@test.local`;
  const password = 'access-password-123';
  const user = await server.db.repos.users.create({ email, passwordHash: hashPasswordNow(password), role, appIds });
  const signIn = async () => {
    const client = new HttpClient(server.url);
    await client.signIn(email, password);
    return client;
  };
  return { id: user.id, client: await signIn(), signIn };
}

async function openConsole(client: HttpClient): Promise<Socket> {
  const socket = await consoleSocket(server, client.cookie);
  sockets.push(socket);
  return socket;
}

/** Resolves when the server ends the socket, with the reason it gave first. */
function whenEnded(socket: Socket): Promise<{ disconnect: string; reason: string | undefined }> {
  let reason: string | undefined;
  socket.on('console:access-ended', (payload: { reason: string }) => (reason ??= payload.reason));
  return new Promise((resolve) => socket.once('disconnect', (disconnect: string) => resolve({ disconnect, reason })));
}

/** A visitor recording and chatting in the application, with helpers to make live traffic. */
async function liveVisitor(): Promise<ChatVisitor & { batch(seq: number): Promise<unknown> }> {
  const visitor = await chatVisitor(server, app.publicKey);
  sockets.push(visitor.socket as unknown as Socket);
  await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
  const events = [{ type: 3, timestamp: Date.now(), data: { source: 1, positions: [] } }];
  return { ...visitor, batch: (seq) => command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq, data: gzipSync(JSON.stringify(events)) }) };
}

/** Watches the session live and opens its conversation; records what arrives from now on. */
async function subscribe(socket: Socket, sessionId: string) {
  expect(await ack(socket, 'replay:watch', { sessionId })).toHaveProperty('data');
  expect(await ack(socket, 'chat:open', { sessionId })).toHaveProperty('data');
  return recordEvents(socket, LIVE_EVENTS);
}

const names = (events: Array<{ name: string }>) => [...new Set(events.map((event) => event.name))].sort();
const sawText = (events: Array<{ name: string; payload: any }>, text: string) =>
  events.some((event) => event.name === 'chat:message' && event.payload.message.text === text);
const sawSeq = (events: Array<{ name: string; payload: any }>, seq: number) =>
  events.some((event) => event.name === 'replay:batch' && event.payload.seq === seq);

describe('console access ends at once', () => {
  it('an agent removed from an application stops getting its live replay and chat, and its REST answers 404', async () => {
    const agent = await account('agent', [app.id]);
    const visitor = await liveVisitor();
    const control = await subscribe(await openConsole(owner), visitor.sessionId);
    const agentSocket = await openConsole(agent.client);
    const seen = await subscribe(agentSocket, visitor.sessionId);

    await visitor.batch(1);
    await visitor.send('before removal');
    await waitFor(() => sawSeq(seen, 1) && sawText(seen, 'before removal'), 'the agent to see live traffic before removal');

    const told = new Promise((resolve) => agentSocket.once('console:apps', resolve));
    expect((await owner.request('DELETE', `/api/team/${agent.id}/apps/${app.id}`)).status).toBe(200);
    seen.length = 0;
    await visitor.batch(2);
    await visitor.send('after removal');
    await waitFor(() => sawSeq(control, 2) && sawText(control, 'after removal'), 'the owner to see the traffic after removal');
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));

    expect(names(seen)).toEqual([]);
    expect(await told).toEqual({ appIds: [] });
    expect(agentSocket.connected).toBe(true); // still signed in, just not to this application
    for (const path of [`/api/apps/${app.id}`, `/api/apps/${app.id}/sessions`, `/api/apps/${app.id}/sessions/${visitor.sessionId}/replay`]) {
      expect((await agent.client.request('GET', path)).status, path).toBe(404);
    }
    expect((await ack(agentSocket, 'replay:watch', { sessionId: visitor.sessionId })).error.code).toBe('E_NOT_FOUND');
    expect((await ack(agentSocket, 'chat:open', { sessionId: visitor.sessionId })).error.code).toBe('E_NOT_FOUND');
  });

  it('a console that only listens is ended when its sign-in expires, with that reason, and hears nothing after', async () => {
    const agent = await account('agent', [app.id]);
    // The sign-in's token is in its signed cookie (`s:<token>.<signature>`): it now expires in 3 s.
    const token = decodeURIComponent(agent.client.cookie.split('=')[1]).replace(/^s:/, '').replace(/\.[^.]*$/, '');
    const tokenHash = hashToken(token);
    await server.db.repos.logins.delete(tokenHash);
    await server.db.repos.logins.create({ tokenHash, userId: agent.id, createdAt: new Date(), expiresAt: new Date(Date.now() + 3_000) });
    const visitor = await liveVisitor();
    const control = await subscribe(await openConsole(owner), visitor.sessionId);
    const agentSocket = await openConsole(agent.client);
    const ended = whenEnded(agentSocket);
    const seen = await subscribe(agentSocket, visitor.sessionId);

    expect(await ended).toEqual({ disconnect: 'io server disconnect', reason: 'expired' });
    seen.length = 0;
    await visitor.batch(1);
    await waitFor(() => sawSeq(control, 1), 'the owner to see the batch after the expiry');
    expect(names(seen)).toEqual([]);
    expect((await agent.client.request('GET', `/api/apps/${app.id}/sessions`)).status).toBe(401);
  });

  it('decides every console command from the database, not from what the socket was told at its handshake', async () => {
    const agent = await account('agent', [app.id]);
    const visitor = await liveVisitor();
    const agentSocket = await openConsole(agent.client);
    // Taken away in the database only, as another node would: no room was moved for this socket.
    await server.db.team.setMembership(agent.id, app.id, false);
    expect((await ack(agentSocket, 'replay:watch', { sessionId: visitor.sessionId })).error.code).toBe('E_NOT_FOUND');
    expect((await ack(agentSocket, 'chat:open', { sessionId: visitor.sessionId })).error.code).toBe('E_NOT_FOUND');
    expect((await ack(agentSocket, 'chat:list', { appId: app.id })).error.code).toBe('E_NOT_FOUND');
  });

  it('sign-out disconnects every console socket of that sign-in at once, and only those', async () => {
    const agent = await account('agent', [app.id]);
    const elsewhere = await agent.signIn();
    const visitor = await liveVisitor();
    const [first, second] = [await openConsole(agent.client), await openConsole(agent.client)];
    await subscribe(first, visitor.sessionId);
    const other = await openConsole(elsewhere);
    const ended = [whenEnded(first), whenEnded(second)];
    const cookie = agent.client.cookie;

    expect((await agent.client.request('POST', '/api/auth/logout')).status).toBe(200);
    const outcome = await Promise.race([Promise.all(ended), new Promise((resolve) => setTimeout(() => resolve('still connected'), 2000))]);
    expect(outcome).toEqual([
      { disconnect: 'io server disconnect', reason: 'signed-out' },
      { disconnect: 'io server disconnect', reason: 'signed-out' },
    ]);
    expect(other.connected).toBe(true);

    const stolen = new HttpClient(server.url);
    stolen.cookie = cookie;
    expect((await stolen.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await stolen.request('GET', `/api/apps/${app.id}/sessions`)).status).toBe(401);
    await expect(consoleSocket(server, cookie)).rejects.toMatchObject({ data: { code: 'E_UNAUTHORIZED' } });
  });

  it("removing an account disconnects all of its sign-ins' sockets", async () => {
    const agent = await account('agent', [app.id]);
    const sockets = [await openConsole(agent.client), await openConsole(await agent.signIn())];
    const ended = sockets.map(whenEnded);
    expect((await owner.request('DELETE', `/api/team/${agent.id}`)).status).toBe(200);
    expect(await Promise.all(ended)).toEqual([
      { disconnect: 'io server disconnect', reason: 'removed' },
      { disconnect: 'io server disconnect', reason: 'removed' },
    ]);
    expect((await agent.client.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('a role change ends the sockets of that user; they come back with the new role and its limits', async () => {
    const second = await account('owner', [app.id]);
    const visitor = await liveVisitor();
    const socket = await openConsole(second.client);
    const seen = await subscribe(socket, visitor.sessionId);
    const ended = whenEnded(socket);

    const changed = await owner.request('PUT', `/api/team/${second.id}/role`, { role: 'agent' });
    expect(changed.status).toBe(200);
    expect(changed.json.data.member).toMatchObject({ id: second.id, role: 'agent', appIds: [app.id] });
    expect(await ended).toEqual({ disconnect: 'io server disconnect', reason: 'role-changed' });
    seen.length = 0;
    await visitor.send('after the role change');
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    expect(names(seen)).toEqual([]);
    expect((await second.client.request('GET', '/api/team')).status).toBe(403);

    const again = io(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie: second.client.cookie }, forceNew: true, reconnection: false });
    sockets.push(again);
    expect(await new Promise((resolve) => again.once('console:ready', ({ user }) => resolve(user.role)))).toBe('agent');

    const me = (await owner.request('GET', '/api/auth/me')).json.data.user;
    expect((await owner.request('PUT', `/api/team/${me.id}/role`, { role: 'agent' })).status).toBe(403);
    expect((await owner.request('PUT', `/api/team/${second.id}/role`, { role: 'admin' })).json.error.code).toBe('E_INVALID_PAYLOAD');
  });
});
