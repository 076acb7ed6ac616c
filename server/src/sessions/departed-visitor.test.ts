import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SWEEP_INTERVAL_MS, VISITOR_GONE_GRACE_MS } from '../protocol/limits.js';
import { ack, chatVisitor, consoleSocket, createChatApp, newClientId, waitFor } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { endReasonOf, IN_FLIGHT_AFTER_DISCONNECT_MS, sweepLifecycle } from './lifecycle-sweep.js';

/**
 * Issue 18, defect 5: a visitor who leaves has their session completed within a minute, its duration
 * ending at their last activity, and nothing an agent does afterwards keeps it alive. The server's
 * clock is injected; the sweep is the one the server runs every SESSION_SWEEP_INTERVAL_MS.
 */
const SECOND_MS = 1_000;
const clock = { at: Date.parse('2026-11-30T10:00:00Z') };
const now = () => new Date(clock.at);
const advance = (ms: number) => (clock.at += ms);

let server: TestServer;
let app: { id: string; publicKey: string };
let ownerCookie: string;
const sweep = () => sweepLifecycle({ repos: server.db.repos, sessions: server.app.sessions, now });
const disconnected = async (sessionId: string) => {
  const END_OF_TIME = new Date(8.64e15);
  const due = await server.db.repos.recordings.listActiveDue(app.id, { lastActivityBefore: END_OF_TIME, startedBefore: END_OF_TIME, disconnectedBefore: END_OF_TIME }, 500);
  return due.find((session) => session.id === sessionId)?.disconnectedAt ?? null;
};

beforeAll(async () => {
  server = await startTestServer({}, { now });
  const created = await createChatApp(server, 'Departures');
  app = created.app;
  ownerCookie = created.owner.cookie;
});
afterAll(() => server?.close());

describe('a departed visitor (issue 18, defect 5)', () => {
  it('is completed within a minute of leaving, lasts until their last activity, and an agent reply after they left changes neither', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const startedAt = now().getTime();
    advance(45 * SECOND_MS);
    await visitor.send('Is anyone there? I have to go.');
    const lastActivity = now().getTime();
    visitor.socket.close();
    await waitFor(() => disconnected(visitor.sessionId), 'the disconnect to be recorded');

    // An agent answers 20 s after the visitor left: their activity, not the visitor's.
    advance(20 * SECOND_MS);
    const agent = await consoleSocket(server, ownerCookie);
    const reply = await ack(agent, 'chat:reply', { sessionId: visitor.sessionId, text: 'Sorry, we were away. How can we help?', clientId: newClientId() });
    expect(reply.data?.message.role).toBe('agent');

    // A minute after the visitor left (one sweep interval past the grace period at most), the session is complete.
    advance(40 * SECOND_MS);
    await sweep();
    const session = (await server.db.repos.sessions.findById(visitor.sessionId))!;
    expect(session).toMatchObject({ status: 'completed', endReason: 'visitor-gone' });
    // The duration is the visit's 45 s, not the time until the sweep noticed nor until the agent's reply.
    expect(session.endedAt!.getTime()).toBe(lastActivity);
    expect(session.endedAt!.getTime() - startedAt).toBe(45 * SECOND_MS);
    // The server sweeps every SESSION_SWEEP_INTERVAL_MS, completing after VISITOR_GONE_GRACE_MS: within a minute.
    expect(VISITOR_GONE_GRACE_MS + SESSION_SWEEP_INTERVAL_MS).toBeLessThanOrEqual(60 * SECOND_MS);
    agent.close();
  });

  it('is completed though the page’s last batch arrives by POST /ingest after its socket closed (the pagehide flush is leaving, not coming back)', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const { token } = (await command<any>(visitor.socket, 'recording:start', { sessionId: visitor.sessionId })).data;
    const events = JSON.stringify([{ type: 3, timestamp: clock.at, data: { source: 2, type: 2, id: 1, x: 5, y: 5 } }]);
    expect((await command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: gzipSync(events) })).data).toMatchObject({ stored: true });
    const lastActivity = (await server.db.repos.sessions.findById(visitor.sessionId))!.lastActivityAt.getTime();
    advance(5 * SECOND_MS);
    visitor.socket.close();
    await waitFor(() => disconnected(visitor.sessionId), 'the disconnect to be recorded');
    // The page's pagehide flush comes in just after the socket closed.
    advance(100);
    const query = new URLSearchParams({ sessionId: visitor.sessionId, seq: '2', token, encoding: 'json' });
    const flushed = await fetch(`${server.url}/ingest?${query}`, { method: 'POST', headers: { origin: 'https://chat.example', 'content-type': 'text/plain' }, body: events });
    expect((await flushed.json()).data).toMatchObject({ seq: 2, stored: true });

    advance(SECOND_MS * 45);
    await sweep();
    const session = (await server.db.repos.sessions.findById(visitor.sessionId))!;
    expect(session).toMatchObject({ status: 'completed', endReason: 'visitor-gone', chunkCount: 2 });
    expect(session.endedAt!.getTime()).toBe(lastActivity);
  });

  it('counts a batch stored just after the disconnect (it was on its way) as leaving, and later activity as coming back', () => {
    const disconnectedAt = new Date(clock.at);
    const thresholds = { lastActivityBefore: new Date(0), startedBefore: new Date(0), disconnectedBefore: new Date(clock.at + 60 * SECOND_MS) };
    const session = (afterMs: number) => ({ startedAt: new Date(clock.at - 60 * SECOND_MS), lastActivityAt: new Date(clock.at + afterMs), disconnectedAt });
    expect(endReasonOf(session(300), thresholds)).toBe('visitor-gone');
    expect(endReasonOf(session(IN_FLIGHT_AFTER_DISCONNECT_MS), thresholds)).toBe('visitor-gone');
    expect(endReasonOf(session(IN_FLIGHT_AFTER_DISCONNECT_MS + 1), thresholds)).toBeNull();
  });
});
