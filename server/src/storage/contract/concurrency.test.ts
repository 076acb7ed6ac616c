import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createActivityService } from '../../activity/activity-service.js';
import { dayKey, hourKey } from '../../protocol/utc-buckets.js';
import { newClientId } from '../../testing/chat-test-kit.js';
import { HttpClient } from '../../testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../../testing/visitor-client.js';
import type { Storage } from '../ports.js';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from './contract-engines.js';
import { readModelDifferences } from './read-model-recount.js';

/**
 * The storage contract with several writers: two server processes sharing one database, 40 visitors
 * at once. Afterwards every list, counter, set and session document the port answers equals a
 * brute-force recount from the raw documents — on each engine with the implementation it gets (the
 * embedded read model on FerretDB, MongoDB-native on MongoDB semantics). On the embedded read model
 * its own documents must also equal a rebuild from raw data, trigram and signal lists included.
 */
const SESSIONS = 40;
const BATCHES_PER_SESSION = 3;
const EVENTS_PER_BATCH = 5;
const SHOP = 'https://shop.example';
/** Longer than the deferred search lists wait before they are written (250 ms). */
const SETTLE_MS = 1_000;
const ALL = 10_000;

const batch = (seq: number) =>
  gzipSync(Buffer.from(JSON.stringify(Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({ type: 3, timestamp: seq * 1000 + i, data: { source: 1, positions: [] } })))));

/** One visitor: a session, its batches and a prompt, at once with everyone else; every other one ends it. */
async function visit(server: ServerProcess, key: string, n: number, sockets: VisitorTestSocket[]): Promise<string> {
  const socket = connectVisitor(server.url, { key, visitorId: `visitor-${n}` }, SHOP);
  sockets.push(socket);
  const ready = await handshake(socket);
  if (!ready.ok) throw new Error(ready.error.code);
  const started = await command<any>(socket, 'session:start', { url: `${SHOP}/page-${n}?q=1`, viewport: { width: 800, height: 600 } });
  const sessionId: string = started.data.session.id;
  const acks = await Promise.all([
    ...Array.from({ length: BATCHES_PER_SESSION }, (_, i) => command<any>(socket, 'recording:batch', { sessionId, seq: i + 1, data: batch(i + 1) })),
    command<any>(socket, 'chat:send', { text: `question ${n}`, clientId: newClientId() }),
  ]);
  for (const ack of acks) if (!ack.data) throw new Error(JSON.stringify(ack.error));
  if (n % 2 === 0) await command<any>(socket, 'session:end');
  return sessionId;
}

type Raw = Record<string, any>;
const newestFirst = (a: { t: number; id: string }, b: { t: number; id: string }) => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** What the port answers about the application, in one plain object. */
async function answers(db: Storage, appId: string, sessionIds: string[], day: Date) {
  const activity = createActivityService(db.activity);
  const all = async (list: (cursor?: string) => Promise<{ items: Array<{ id: string; kind?: string }>; nextCursor: string | null }>) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      ids.push(...page.items.map((item) => `${item.kind ?? 'session'}:${item.id}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  };
  const sessionsOf = (status: 'all' | 'active' | 'completed', q = '') => all((cursor) => activity.sessions(appId, { status, q, limit: 7, cursor }));
  const chart = await db.activity.bucketCounts(appId, 'hour', [hourKey(day)]);
  const perSession: Raw = {};
  for (const id of sessionIds) {
    const session = (await db.repos.sessions.findById(id))!;
    perSession[id] = {
      status: session.status,
      chunkCount: session.chunkCount,
      eventCount: session.eventCount,
      bytes: session.bytes,
      maxSeq: await db.repos.recordings.maxSeq(id),
      chunks: (await db.repos.recordings.listChunks(id, 0, ALL)).map((chunk) => chunk.seq),
      messages: (await db.repos.messages.listAfter(id, 0, ALL)).map((message) => message.seq),
      messageCount: (await db.repos.conversations.find(id))!.messageCount,
      activeForVisitor: (await db.repos.sessions.findActiveForVisitor(appId, session.visitorId))?.id === id,
    };
  }
  return {
    counters: await db.activity.counters(appId),
    [`hour ${hourKey(day)}`]: { sessions: chart.sessions.get(hourKey(day)), prompts: chart.prompts.get(hourKey(day)) },
    'sessions all': await sessionsOf('all'),
    'sessions active': await sessionsOf('active'),
    'sessions completed': await sessionsOf('completed'),
    'search "/page-1"': await sessionsOf('all', '/page-1'),
    'feed all': await all((cursor) => activity.feed(appId, { filter: 'all', limit: 9, cursor })),
    conversations: (await db.repos.conversations.listActive(appId, 100)).map((c) => c.sessionId).sort(),
    'active (sweeps)': (await db.repos.sessions.listActive()).filter((s) => s.appId === appId).map((s) => s.id).sort(),
    sessions: perSession,
  };
}

/** The same, counted from the raw documents. */
async function recount(db: Storage, appId: string, sessionIds: string[], day: Date) {
  const raw: Record<string, Raw[]> = {};
  for await (const { collection, document } of db.documents()) (raw[collection] ??= []).push(document);
  const sessions = (raw.sessions ?? []).filter((s) => String(s.appId) === appId);
  const prompts = (raw.messages ?? []).filter((m) => String(m.appId) === appId && m.role === 'visitor');
  const key = (s: Raw, kind = 'session') => ({ t: new Date(kind === 'session' ? s.startedAt : s.createdAt).getTime(), id: String(s._id), kind });
  const ids = (list: Array<{ t: number; id: string; kind: string }>) => list.sort(newestFirst).map((e) => `${e.kind}:${e.id}`);
  const active = sessions.filter((s) => s.status === 'active');
  const inHour = (at: Date) => hourKey(new Date(at)) === hourKey(day) && dayKey(new Date(at)) === dayKey(day);
  const perSession: Raw = {};
  for (const id of sessionIds) {
    const session = sessions.find((s) => String(s._id) === id)!;
    const chunks = (raw.chunks ?? []).filter((c) => String(c.sessionId) === id);
    const messages = (raw.messages ?? []).filter((m) => String(m.sessionId) === id);
    const seqs = (list: Raw[]) => list.map((doc) => Number(doc.seq)).sort((a, b) => a - b);
    const visitor = (raw.visitors ?? []).find((v) => v._id === `${appId}:${session.visitorId}`);
    perSession[id] = {
      status: session.status,
      chunkCount: chunks.length,
      eventCount: chunks.reduce((sum, c) => sum + c.eventCount, 0),
      bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      maxSeq: Math.max(...chunks.map((c) => Number(c.seq))),
      chunks: seqs(chunks),
      messages: seqs(messages),
      messageCount: messages.length,
      activeForVisitor: session.status === 'active' && visitor?.activeSessionId === id,
    };
  }
  return {
    counters: { total: sessions.length, active: active.length, completed: sessions.length - active.length, events: sessions.reduce((sum, s) => sum + (s.eventCount ?? 0), 0) },
    [`hour ${hourKey(day)}`]: { sessions: sessions.filter((s) => inHour(s.startedAt)).length, prompts: prompts.filter((m) => inHour(m.createdAt)).length },
    'sessions all': ids(sessions.map((s) => key(s))),
    'sessions active': ids(active.map((s) => key(s))),
    'sessions completed': ids(sessions.filter((s) => s.status === 'completed').map((s) => key(s))),
    'search "/page-1"': ids(sessions.filter((s) => new URL(s.landingUrl).pathname.startsWith('/page-1')).map((s) => key(s))),
    'feed all': ids([...sessions.map((s) => key(s)), ...prompts.map((m) => key(m, 'prompt'))]),
    conversations: active.filter((s) => s.messageSeq > 0).map((s) => String(s._id)).sort(),
    'active (sweeps)': active.map((s) => String(s._id)).sort(),
    sessions: perSession,
  };
}

/** Each engine with the implementation a server gets on it. */
const SERVED = CONTRACT_ENGINES.map((engine, i) => ({ engine, name: `${i === 0 ? 'the embedded read model' : 'MongoDB-native'} on ${engine.name}` }));

describe.each(SERVED)('two server processes sharing one database: $name', ({ engine: contractEngine }) => {
  let engine: RunningEngine | undefined;
  const servers: ServerProcess[] = [];
  const sockets: VisitorTestSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.dispose();
    await engine?.stop();
  });

  it(`${SESSIONS} sessions started at once: every list, counter, set and session document equals a brute-force recount`, { timeout: 180_000 }, async () => {
    engine = await contractEngine.start();
    const dbName = 'chatreel_concurrency';
    const uri = `${engine.uri.replace(/\/$/, '')}/${dbName}`;
    // One after the other, so only one of them installs the owner and the demo application.
    servers.push(await startServerProcess({ MONGODB_URI: uri }));
    servers.push(await startServerProcess({ MONGODB_URI: uri }));
    const owner = new HttpClient(servers[0].url);
    await owner.signIn();
    const app = (await owner.request('POST', '/api/apps', { name: 'Shared shop', allowedOrigins: [SHOP] })).json.data.app;

    const day = new Date();
    const sessionIds = await Promise.all(Array.from({ length: SESSIONS }, (_, n) => visit(servers[n % servers.length], app.publicKey, n, sockets)));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const socket of sockets) socket.close();
    // A clean stop writes what each process still holds in memory (the deferred search lists).
    for (const server of servers) await server.stop();

    const db = await openContractDatabase(engine, dbName);
    try {
      expect(new Set(sessionIds).size).toBe(SESSIONS);
      const live = await answers(db, app.id, sessionIds, day);
      expect(live).toEqual(await recount(db, app.id, sessionIds, day));
      expect(await readModelDifferences(db, app.id)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
