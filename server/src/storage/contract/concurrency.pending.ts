import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { newClientId } from '../../testing/chat-test-kit.js';
import { HttpClient } from '../../testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../../testing/visitor-client.js';
import { decodeEntries, type ActivityIndexDoc } from '../activity-index-model.js';
import { rebuildActivityIndex } from '../activity-index-rebuild.js';
import { decodeHeads } from '../chunk-heads.js';
import { internalsOf } from '../internals.js';
import type { EmbeddedInternals } from '../open-database.js';
import type { Storage } from '../ports.js';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from './contract-engines.js';

/**
 * PENDING (issue #15, phase 2): the storage contract with several writers. Not matched by the test
 * globs, because it fails today on both engines: the embedded read model's lists, sets, heads and
 * counters are written by read-merge-write behind an in-process lock, so two server processes lose
 * each other's writes. Phase 2 renames it to `concurrency.test.ts`. Run it now with
 *   nice -n 10 npx vitest run --config server/src/storage/contract/pending.vitest.config.ts
 */
const SESSIONS = 40;
const BATCHES_PER_SESSION = 3;
const EVENTS_PER_BATCH = 5;
const SHOP = 'https://shop.example';
/** Longer than every coalescing delay of the writers (counters 100 ms, deferred lists 250 ms). */
const SETTLE_MS = 1_500;

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

/** The application's activity-index documents as the console reads them: counters, buckets, and each list's entries in order. */
async function readModel(db: Storage, appId: string) {
  const docs = await internalsOf<EmbeddedInternals>(db).models.ActivityIndex.collection.find({ appId } as never).toArray() as unknown as ActivityIndexDoc[];
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
  const model: Record<string, unknown> = {};
  for (const doc of docs) {
    const name = doc._id.slice(appId.length + 1);
    if (name.endsWith(':head')) {
      const list = name.slice(0, -':head'.length);
      const entries = Array.from({ length: Number(doc.pages) || 0 }, (_, n) => decodeEntries(byId.get(`${appId}:${list}:${n}`)?.items)).flat();
      model[`list ${list}`] = entries;
    } else if (name === 'active' || name === 'chats') {
      model[`set ${name}`] = decodeEntries(doc.items);
    } else if (!/:\d+$/.test(name)) {
      const { _id: _i, appId: _a, ...counts } = doc;
      model[name] = Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return model;
}

/** Each session document, visitor document and chunk-header page against the raw chunks and messages. */
async function recountDocuments(db: Storage, sessionIds: string[]) {
  const { Session, Chunk, Message, ChunkHeads, Visitor, ActiveSession } = internalsOf<EmbeddedInternals>(db).models;
  const stored = [];
  const recounted = [];
  for (const id of sessionIds) {
    const session = await Session.findById(id).lean<any>();
    const chunks = await Chunk.find({ sessionId: id }, { data: 0 }).lean<any[]>();
    const messages = await Message.countDocuments({ sessionId: id });
    const heads = (await ChunkHeads.find({ sessionId: id }).lean<any[]>()).flatMap((doc) => decodeHeads(doc.h));
    const visitor = await Visitor.findById(`${session.appId}:${session.visitorId}`).lean<any>();
    const active = Boolean(await ActiveSession.findById(id).lean());
    stored.push({
      id, chunkCount: session.chunkCount, eventCount: session.eventCount, bytes: session.bytes, maxSeq: session.maxSeq, messageSeq: session.messageSeq,
      listedAsActive: active, headSeqs: heads.map((head) => head.seq).sort(), visitorLists: visitor?.sessionIds?.split(',').includes(id) ?? false,
    });
    recounted.push({
      id, chunkCount: chunks.length, eventCount: chunks.reduce((sum, c) => sum + c.eventCount, 0), bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      maxSeq: Math.max(...chunks.map((c) => c.seq)), messageSeq: messages,
      listedAsActive: session.status === 'active', headSeqs: chunks.map((c) => c.seq).sort(), visitorLists: true,
    });
  }
  return { stored, recounted };
}

const key = (entry: { t: number; id: string; ref?: string }) => `${entry.t}-${entry.id}-${entry.ref ?? ''}`;

/** Every difference between what the writers left and the recount, one readable line each (none when equal). */
function differences(left: Record<string, unknown>, right: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    const [a, b] = [left[name], right[name]];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (Array.isArray(a) || Array.isArray(b)) {
      const [have, want] = [(a ?? []) as Array<{ t: number; id: string }>, (b ?? []) as Array<{ t: number; id: string }>];
      const haveKeys = new Set(have.map(key));
      const wantKeys = new Set(want.map(key));
      const missing = want.filter((entry) => !haveKeys.has(key(entry))).length;
      const extra = have.filter((entry) => !wantKeys.has(key(entry))).length;
      lines.push(`${name}: ${missing} of ${want.length} missing, ${extra} extra${missing || extra ? '' : ', out of order or repeated'}`);
    } else {
      lines.push(`${name}: ${JSON.stringify(a)} where the recount has ${JSON.stringify(b)}`);
    }
  }
  return lines;
}

describe.each(CONTRACT_ENGINES)('two server processes sharing one database on $name', (contractEngine) => {
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

    const sessionIds = await Promise.all(Array.from({ length: SESSIONS }, (_, n) => visit(servers[n % servers.length], app.publicKey, n, sockets)));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const socket of sockets) socket.close();
    // A clean stop writes what each process still holds in memory (coalesced counts, deferred lists).
    for (const server of servers) await server.stop();

    const db = await openContractDatabase(engine, dbName);
    try {
      expect(new Set(sessionIds).size).toBe(SESSIONS);
      const live = await readModel(db, app.id);
      await rebuildActivityIndex(internalsOf<EmbeddedInternals>(db).models, app.id);
      const { stored, recounted } = await recountDocuments(db, sessionIds);
      const documents = (docs: typeof stored) => Object.fromEntries(docs.flatMap(({ id, ...fields }) => Object.entries(fields).map(([field, value]) => [`session ${id} ${field}`, value])));
      expect([...differences(live, await readModel(db, app.id)), ...differences(documents(stored), documents(recounted))]).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
