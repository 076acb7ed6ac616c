import { gzipSync, gunzipSync } from 'node:zlib';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import { hashPasswordNow as hashPassword } from '../auth/password-hashing.js';
import { HttpClient } from '../testing/http-client.js';
import { returningVisitorAuth } from '../testing/returning-visitor.js';
import { slowChunkWrites } from '../storage/test-seams.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../testing/visitor-client.js';

type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;

let server: TestServer;
let owner: HttpClient;
let demo: { id: string; publicKey: string };
const open: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  const apps = await owner.request('GET', '/api/apps');
  demo = apps.json.data.apps.find((app: { demo: boolean }) => app.demo);
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await server?.close();
});

/** How long a slowed database holds each chunk write in the live-before-write test. */
const HELD_WRITE_MS = 5_000;
const batch = (events: unknown[]) => gzipSync(Buffer.from(JSON.stringify(events)));
const meta = (ts: number) => ({ type: 4, timestamp: ts, data: { href: 'http://x/', width: 800, height: 600 } });
const full = (ts: number) => ({ type: 2, timestamp: ts, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } } });

async function visitorWithSession(): Promise<{ socket: VisitorTestSocket; sessionId: string }> {
  const socket = connectVisitor(server.url, { key: demo.publicKey });
  open.push(socket);
  const ready = await handshake(socket);
  if (!ready.ok) throw new Error(ready.error.message);
  const started = await command<{ data: { session: { id: string } } }>(socket, 'session:start', {
    url: 'http://127.0.0.1/demo/',
    viewport: { width: 800, height: 600 },
  });
  return { socket, sessionId: started.data.session.id };
}

function consoleSocket(cookie: string): Promise<ConsoleSocket> {
  const socket: ConsoleSocket = connect(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true, reconnection: false });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('console:ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const emitAck = <T>(socket: ConsoleSocket, event: string, payload: unknown) =>
  new Promise<T>((resolve) => (socket.emit as (...a: unknown[]) => void)(event, payload, resolve));

function nextEvent<T>(target: unknown, event: string, timeoutMs = 5000): Promise<T> {
  const socket = target as { once(event: string, cb: (payload: T) => void): unknown };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

describe('replay manifest and chunks', () => {
  it('lists facts, chunk headers and the transcript, and serves each blob as stored', async () => {
    const { socket, sessionId } = await visitorWithSession();
    await command(socket, 'recording:start', { sessionId });
    const first = batch([meta(1000), full(1001)]);
    expect(await command(socket, 'recording:batch', { sessionId, seq: 1, data: first })).toMatchObject({ data: { stored: true } });
    await command(socket, 'recording:batch', { sessionId, seq: 2, data: batch([{ type: 3, timestamp: 5000, data: { source: 1, positions: [] } }]) });
    await server.db.repos.messages.append({
      appId: demo.id,
      sessionId,
      visitorId: 'v',
      role: 'visitor',
      text: '<b>hello</b>',
      createdAt: new Date(),
    });

    const manifest = await owner.request('GET', `/api/apps/${demo.id}/sessions/${sessionId}/replay`);
    expect(manifest.status).toBe(200);
    const { session, chunks, messages } = manifest.json.data;
    expect(session).toMatchObject({ id: sessionId, status: 'active', landingUrl: 'http://127.0.0.1/demo/', viewport: { width: 800, height: 600 } });
    expect(session.pages.length).toBeGreaterThanOrEqual(1);
    expect(chunks.map((c: { seq: number; hasFullSnapshot: boolean; firstTs: number }) => [c.seq, c.hasFullSnapshot, c.firstTs])).toEqual([
      [1, true, 1000],
      [2, false, 5000],
    ]);
    expect(messages).toMatchObject([{ role: 'visitor', text: '<b>hello</b>', seq: 1 }]);

    const blob = await fetch(`${server.url}/api/apps/${demo.id}/sessions/${sessionId}/replay/chunks/1`, { headers: { cookie: owner.cookie } });
    expect(blob.status).toBe(200);
    expect(blob.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(bytes.equals(first)).toBe(true);
    expect(JSON.parse(gunzipSync(bytes).toString())).toHaveLength(2);
  });

  it('answers 404 for other applications, unknown sessions and chunks, 401 signed out, 400 for a bad seq', async () => {
    const { sessionId } = await visitorWithSession();
    const other = await owner.request('POST', '/api/apps', { name: 'Other', allowedOrigins: [] });
    const otherId = other.json.data.app.id;
    const base = `/api/apps/${demo.id}/sessions/${sessionId}/replay`;
    expect((await owner.request('GET', `/api/apps/${otherId}/sessions/${sessionId}/replay`)).status).toBe(404);
    expect((await owner.request('GET', `/api/apps/${demo.id}/sessions/0123456789abcdef01234567/replay`)).status).toBe(404);
    expect((await owner.request('GET', `/api/apps/${demo.id}/sessions/not-an-id/replay`)).status).toBe(404);
    expect((await owner.request('GET', `${base}/chunks/99`)).status).toBe(404);
    expect((await owner.request('GET', `${base}/chunks/-1`)).json.error.code).toBe('E_INVALID_PAYLOAD');
    expect((await new HttpClient(server.url).request('GET', base)).status).toBe(401);
  });
});

describe('live watch', () => {
  it('asks the widget for a snapshot when watching starts, fans out stored batches, and releases it when the last watcher leaves', async () => {
    const { socket: visitor, sessionId } = await visitorWithSession();
    await command(visitor, 'recording:start', { sessionId });
    const agentA = await consoleSocket(owner.cookie);
    const agentB = await consoleSocket(owner.cookie);

    const askedA = nextEvent<{ sessionId: string; watched: boolean; notify: boolean }>(visitor, 'recording:watched');
    expect(await emitAck(agentA, 'replay:watch', { sessionId })).toEqual({ data: { watchers: 1 } });
    expect(await askedA).toEqual({ sessionId, watched: true, notify: true });
    // A second watcher asks again: it has no history to start from either.
    const askedB = nextEvent(visitor, 'recording:watched');
    expect(await emitAck(agentB, 'replay:watch', { sessionId })).toEqual({ data: { watchers: 2 } });
    await askedB;

    const data = batch([meta(1), full(2)]);
    const arrivals = Promise.all([nextEvent<{ seq: number; data: ArrayBuffer }>(agentA, 'replay:batch'), nextEvent<{ seq: number; data: ArrayBuffer }>(agentB, 'replay:batch')]);
    await command(visitor, 'recording:batch', { sessionId, seq: 1, data });
    for (const arrival of await arrivals) {
      expect(arrival.seq).toBe(1);
      expect(Buffer.from(arrival.data).equals(data)).toBe(true);
    }

    // One leaves: still watched, nothing said. The other's connection drops: the widget is released.
    let released = false;
    visitor.on('recording:watched', (payload) => (released ||= !payload.watched));
    expect(await emitAck(agentA, 'replay:unwatch', { sessionId })).toEqual({ data: { watchers: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(released).toBe(false);
    const release = nextEvent<{ watched: boolean; notify: boolean }>(visitor, 'recording:watched');
    agentB.close();
    expect(await release).toEqual({ sessionId, watched: false, notify: false });
  });

  it('hands a checked batch to its watchers before the database has written it (a slow write never delays the live view)', async () => {
    const { socket: visitor, sessionId } = await visitorWithSession();
    await command(visitor, 'recording:start', { sessionId });
    const agent = await consoleSocket(owner.cookie);
    expect(await emitAck(agent, 'replay:watch', { sessionId })).toEqual({ data: { watchers: 1 } });
    // Every chunk write now waits far longer than the watcher is given to see the batch.
    slowChunkWrites(server.db, HELD_WRITE_MS);
    try {
      const data = batch([meta(1), full(2)]);
      const arrival = nextEvent<{ seq: number; data: ArrayBuffer }>(agent, 'replay:batch', HELD_WRITE_MS / 2);
      let acked = false;
      const answer = command(visitor, 'recording:batch', { sessionId, seq: 1, data }).then((result) => ((acked = true), result));
      const live = await arrival;
      expect(live.seq).toBe(1);
      expect(Buffer.from(live.data).equals(data)).toBe(true);
      expect(acked).toBe(false);
      slowChunkWrites(server.db, 0);
      expect(await answer).toMatchObject({ data: { seq: 1, stored: true, ackedThrough: 1 } });
      // A retry of the stored batch (its answer lost) comes again under the same seq: the viewer drops it by seq.
      const again = nextEvent<{ seq: number }>(agent, 'replay:batch');
      expect(await command(visitor, 'recording:batch', { sessionId, seq: 1, data })).toMatchObject({ data: { stored: false } });
      expect((await again).seq).toBe(1);
    } finally {
      slowChunkWrites(server.db, 0);
    }
  });

  it('tells a visitor tab that joins a watched session, and honours notifyWhenWatched', async () => {
    const { socket: first, sessionId } = await visitorWithSession();
    const agent = await consoleSocket(owner.cookie);
    const patch = await owner.request('PATCH', `/api/apps/${demo.id}`, { settings: { privacy: { notifyWhenWatched: false } } });
    expect(patch.status).toBe(200);
    try {
      const asked = nextEvent<{ notify: boolean }>(first, 'recording:watched');
      await emitAck(agent, 'replay:watch', { sessionId });
      expect(await asked).toMatchObject({ watched: true, notify: false });

      // The same visitor opens a second page: its new socket hears it is watched.
      const second = connectVisitor(server.url, await returningVisitorAuth(server, demo.publicKey, await visitorIdOf(sessionId)));
      open.push(second);
      await handshake(second);
      const told = nextEvent<{ sessionId: string; watched: boolean }>(second, 'recording:watched');
      await command(second, 'session:start', { url: 'http://127.0.0.1/demo/checkout.html', viewport: { width: 800, height: 600 } });
      expect(await told).toMatchObject({ sessionId, watched: true });
    } finally {
      await owner.request('PATCH', `/api/apps/${demo.id}`, { settings: { privacy: { notifyWhenWatched: true } } });
    }
  });

  it('refuses to watch what the user may not see, and bad payloads', async () => {
    const agent = await consoleSocket(owner.cookie);
    expect(await emitAck(agent, 'replay:watch', { sessionId: '0123456789abcdef01234567' })).toMatchObject({ error: { code: 'E_NOT_FOUND' } });
    expect(await emitAck(agent, 'replay:watch', { sessionId: { $gt: '' } })).toMatchObject({ error: { code: 'E_INVALID_PAYLOAD' } });
    expect(await emitAck(agent, 'replay:watch', null)).toMatchObject({ error: { code: 'E_INVALID_PAYLOAD' } });
    // An agent who is not a member of the demo application learns nothing of its sessions.
    const { sessionId } = await visitorWithSession();
    await server.db.repos.users.create({ email: 'outsider@test.local', passwordHash: hashPassword('outsider-password-1'), role: 'agent', appIds: [] });
    const outsider = new HttpClient(server.url);
    await outsider.signIn('outsider@test.local', 'outsider-password-1');
    const theirs = await consoleSocket(outsider.cookie);
    expect(await emitAck(theirs, 'replay:watch', { sessionId })).toMatchObject({ error: { code: 'E_NOT_FOUND' } });
    expect((await outsider.request('GET', `/api/apps/${demo.id}/sessions/${sessionId}/replay`)).status).toBe(404);
    expect((await outsider.request('GET', `/api/apps/${demo.id}/sessions/${sessionId}/replay/chunks/1`)).status).toBe(404);
  });
});

async function visitorIdOf(sessionId: string): Promise<string> {
  const session = await server.db.repos.sessions.findById(sessionId);
  return session!.visitorId;
}
