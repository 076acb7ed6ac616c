import { gzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPasswordNow as hashPassword } from '../auth/password-hashing.js';
import { VISITOR_GONE_GRACE_MS } from '../protocol/limits.js';
import { sweepLifecycle } from '../sessions/lifecycle-sweep.js';
import { HttpClient } from '../testing/http-client.js';
import { returningVisitorAuth } from '../testing/returning-visitor.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../testing/visitor-client.js';
import { runRetention } from './retention.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const SHOP = 'https://shop.example';

/** The server's clock, moved by the tests. */
const clock = { at: Date.parse('2026-11-01T10:00:00Z') };
const now = () => new Date(clock.at);
const advance = (ms: number) => (clock.at += ms);

let server: TestServer;
let owner: HttpClient;
let console_: Socket;
const announced: Array<{ id: string; status: string; endReason: string | null }> = [];

async function createApp(name: string, settings: Record<string, unknown>) {
  const created = await owner.request('POST', '/api/apps', { name, allowedOrigins: [SHOP] });
  const app = created.json.data.app as { id: string; publicKey: string };
  const patched = await owner.request('PATCH', `/api/apps/${app.id}`, { settings });
  expect(patched.status).toBe(200);
  return app;
}

async function visit(key: string, visitorId: string): Promise<{ socket: VisitorTestSocket; sessionId: string }> {
  const socket = connectVisitor(server.url, await returningVisitorAuth(server, key, visitorId), SHOP);
  await handshake(socket);
  const started = await command<any>(socket, 'session:start', { url: `${SHOP}/`, viewport: { width: 800, height: 600 } });
  return { socket, sessionId: started.data.session.id };
}

const batch = (at: number) => gzipSync(JSON.stringify([{ type: 3, timestamp: at, data: { source: 1 } }]));
const record = async (socket: VisitorTestSocket, sessionId: string, seq: number) =>
  (await command<any>(socket, 'recording:batch', { sessionId, seq, data: batch(clock.at) })).data;
const sweep = () => sweepLifecycle({ repos: server.db.repos, sessions: server.app.sessions, now });
const statusOf = async (id: string) => {
  const session = await server.db.repos.sessions.findById(id);
  return session && { status: session.status, endReason: session.endReason };
};
/** When the session's visitor last disconnected, as the sweep sees it (every active session is due at the end of time). */
const END_OF_TIME = new Date(8.64e15);
const disconnectedAt = async (appId: string, id: string) =>
  (await server.db.repos.recordings.listActiveDue(appId, { lastActivityBefore: END_OF_TIME, startedBefore: END_OF_TIME, disconnectedBefore: END_OF_TIME }, 500)).find(
    (session) => session.id === id,
  )?.disconnectedAt ?? null;

beforeAll(async () => {
  server = await startTestServer({}, { now });
  owner = new HttpClient(server.url);
  await owner.signIn();
});

/** A console connection (it joins the rooms of the applications that exist when it connects). */
async function watchConsole() {
  console_?.close();
  console_ = io(`${server.url}/console`, { extraHeaders: { cookie: owner.cookie }, transports: ['websocket'], forceNew: true });
  console_.on('session:changed', ({ session }: { session: { id: string; status: string; endReason: string | null } }) =>
    announced.push({ id: session.id, status: session.status, endReason: session.endReason }),
  );
  await new Promise((resolve) => console_.once('console:ready', resolve));
}
afterAll(async () => {
  console_?.close();
  await server?.close();
});

describe('session lifecycle (injected clock)', () => {
  it("completes sessions idle past the application's timeout, past its maximum duration, or whose visitor is gone", async () => {
    const app = await createApp('Lifecycle', { recording: { idleTimeoutMinutes: 10, maxDurationMinutes: 60 } });
    await watchConsole();
    const idle = await visit(app.publicKey, 'visitor-idle-1');
    const long = await visit(app.publicKey, 'visitor-long-1');
    const gone = await visit(app.publicKey, 'visitor-gone-1');
    const back = await visit(app.publicKey, 'visitor-back-1');
    await record(idle.socket, idle.sessionId, 1);

    // The visitor-gone visitor closes the tab; the one who comes back reconnects within the grace period.
    gone.socket.close();
    back.socket.close();
    await expect.poll(() => disconnectedAt(app.id, gone.sessionId)).toBeTruthy();
    await expect.poll(() => disconnectedAt(app.id, back.sessionId)).toBeTruthy();
    advance(2 * MINUTE_MS);
    const returned = await visit(app.publicKey, 'visitor-back-1');
    expect(returned.sessionId).toBe(back.sessionId);

    // 6 minutes: nothing is due yet (idle 10, gone grace 5 counted from the disconnect at minute 0 … now minute 6).
    advance(4 * MINUTE_MS);
    for (const { socket, sessionId } of [long, returned]) await record(socket, sessionId, (await server.db.repos.recordings.maxSeq(sessionId)) + 1);
    expect(await sweep()).toBe(1);
    expect(await statusOf(gone.sessionId)).toEqual({ status: 'completed', endReason: 'visitor-gone' });
    expect(await statusOf(back.sessionId)).toEqual({ status: 'active', endReason: null });
    expect(VISITOR_GONE_GRACE_MS).toBeLessThan(6 * MINUTE_MS);

    // 11 minutes after its last batch the idle one ends; the others keep sending.
    advance(5 * MINUTE_MS);
    for (const { socket, sessionId } of [long, returned]) await record(socket, sessionId, (await server.db.repos.recordings.maxSeq(sessionId)) + 1);
    expect(await sweep()).toBe(1);
    expect(await statusOf(idle.sessionId)).toEqual({ status: 'completed', endReason: 'idle-timeout' });

    // Busy for an hour: the maximum duration ends both remaining ones, however active.
    for (let minute = 11; minute <= 61; minute += 5) {
      advance(5 * MINUTE_MS);
      for (const { socket, sessionId } of [long, returned]) await record(socket, sessionId, (await server.db.repos.recordings.maxSeq(sessionId)) + 1);
    }
    expect(await sweep()).toBe(2);
    expect(await statusOf(long.sessionId)).toEqual({ status: 'completed', endReason: 'max-duration' });
    expect(await sweep()).toBe(0);

    // Every change was announced to the console's application room.
    await expect
      .poll(() => announced.filter((a) => a.status === 'completed').map((a) => [a.id, a.endReason]))
      .toEqual(
        expect.arrayContaining([
          [gone.sessionId, 'visitor-gone'],
          [idle.sessionId, 'idle-timeout'],
          [long.sessionId, 'max-duration'],
          [back.sessionId, 'max-duration'],
        ]),
      );
    for (const socket of [idle.socket, long.socket, returned.socket]) socket.close();
  });
});

describe('retention and erasure (injected clock)', () => {
  async function sessionWithData(key: string, visitorId: string) {
    const { socket, sessionId } = await visit(key, visitorId);
    await record(socket, sessionId, 1);
    await record(socket, sessionId, 2);
    const session = (await server.db.repos.sessions.findById(sessionId))!;
    await server.db.repos.messages.append({ appId: session.appId, sessionId, visitorId, role: 'visitor', text: `hello from ${visitorId}`, createdAt: now() });
    await command(socket, 'session:end');
    socket.close();
    return sessionId;
  }
  const counts = async (sessionId: string) => ({
    sessions: (await server.db.repos.sessions.findById(sessionId)) ? 1 : 0,
    chunks: (await server.db.repos.recordings.listChunks(sessionId, 0, 10_000)).length,
    messages: (await server.db.repos.messages.listAfter(sessionId, 0, 10_000)).length,
  });
  const everything = { sessions: 1, chunks: 2, messages: 1 };
  const nothing = { sessions: 0, chunks: 0, messages: 0 };

  it("deletes sessions older than each application's retention with their chunks and messages", async () => {
    const short = await createApp('Short retention', { retentionDays: 10 });
    const standard = await createApp('Default retention', {});
    const old = await sessionWithData(short.publicKey, 'visitor-old-1');
    const oldStandard = await sessionWithData(standard.publicKey, 'visitor-old-2');
    advance(6 * DAY_MS);
    const recent = await sessionWithData(short.publicKey, 'visitor-recent-1');
    expect(await counts(old)).toEqual(everything);

    advance(5 * DAY_MS); // `old` is 11 days old, `recent` 5
    const deleted = await runRetention(server.db.repos, now());
    expect(deleted).toMatchObject({ sessions: 1, chunks: 2, messages: 1 });
    expect(await counts(old)).toEqual(nothing);
    expect(await counts(recent)).toEqual(everything);
    expect(await counts(oldStandard)).toEqual(everything); // 30 days by default

    advance(20 * DAY_MS);
    await runRetention(server.db.repos, now());
    expect(await counts(oldStandard)).toEqual(nothing);
    expect(await counts(recent)).toEqual(nothing);
  });

  it('erases one visitor (owner only, members only) with their sessions, chunks and messages', async () => {
    await owner.signIn(); // the clock moved past the sign-in's lifetime
    const app = await createApp('Erasure', {});
    const first = await sessionWithData(app.publicKey, 'visitor-erase-1');
    const second = await sessionWithData(app.publicKey, 'visitor-erase-1');
    const other = await sessionWithData(app.publicKey, 'visitor-keep-1');
    // A live session of the same visitor is ended (and its tab told) before it is deleted.
    const live = await visit(app.publicKey, 'visitor-erase-1');
    await record(live.socket, live.sessionId, 1);
    const ended = new Promise((resolve) => live.socket.once('session:ended', resolve));

    const agent = await server.db.repos.users.create({
      email: 'agent@test.local',
      passwordHash: hashPassword('agent-password-1'),
      role: 'agent',
      appIds: [app.id],
    });
    const agentClient = new HttpClient(server.url);
    await agentClient.signIn(agent.email, 'agent-password-1');
    expect((await agentClient.request('DELETE', `/api/apps/${app.id}/visitors/visitor-erase-1`)).json.error.code).toBe('E_FORBIDDEN');
    const foreign = await owner.request('DELETE', `/api/apps/${'0'.repeat(24)}/visitors/visitor-erase-1`);
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'E_NOT_FOUND']);
    expect(await counts(first)).toEqual(everything);

    const erased = await owner.request('DELETE', `/api/apps/${app.id}/visitors/visitor-erase-1`);
    expect(erased.status).toBe(200);
    expect(erased.json.data).toEqual({ sessions: 3, chunks: 5, messages: 2 });
    expect(await ended).toEqual({ sessionId: live.sessionId, reason: 'erased' });
    for (const id of [first, second, live.sessionId]) expect(await counts(id)).toEqual(nothing);
    expect(await counts(other)).toEqual(everything);
    live.socket.close();
  });
});
