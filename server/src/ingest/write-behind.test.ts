import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase } from '../storage/open-database.js';
import { slowChunkWrites } from '../storage/test-seams.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { sharedDatabase } from '../testing/shared-database.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';

const SHOP = 'https://shop.example';
/** Long enough that nothing is written behind while a test looks: only a flush on demand, or none (a crash). */
const NEVER_MS = '600000';
const embedded = !process.env.MONGODB_URI;
const batch = (events: number, from: number, pad = '') =>
  gzipSync(JSON.stringify(Array.from({ length: events }, (_, i) => ({ type: 3, timestamp: from + i, data: { source: 1, text: pad, positions: [{ x: i, y: 1, id: 1, timeOffset: 0 }] } }))));

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('ingest with derived state written behind (issue 17)', () => {
  it.skipIf(!embedded)('a kill -9 between the chunks and their counts loses no chunk, and the restarted server counts them all', async () => {
    let server: ServerProcess = await startServerProcess({ INGEST_FLUSH_MS: NEVER_MS });
    cleanups.push(() => server.dispose());
    const key = (await (await fetch(`${server.url}/demo/`)).text()).match(/data-key="(pk_[\w-]+)"/)![1];
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, server.url);
    expect((await command<any>(socket, 'recording:start', { sessionId })).data.nextSeq).toBe(1);
    const sent = [1, 2, 3, 4, 5].map((seq) => batch(seq, seq * 1_000));
    for (const [i, data] of sent.entries()) expect((await command<any>(socket, 'recording:batch', { sessionId, seq: i + 1, data })).data).toEqual({ seq: i + 1, stored: true, ackedThrough: i + 1 });
    // Killed with the visitor still connected (a disconnect would write the session's state first).
    await server.stop('SIGKILL');
    socket.close();

    // What the crash left: every chunk, none of them counted (the write-behind window was lost).
    const config = loadConfig({ DATA_DIR: server.dataDir, LOG_LEVEL: 'silent', MONGODB_URI: '' });
    const look = async () => {
      const db = await openDatabase({ mongodbUri: undefined, dataDir: server.dataDir, ferretdbCacheDir: config.ferretdbCacheDir });
      try {
        const session = (await db.repos.sessions.findById(sessionId))!;
        const chunks = await db.repos.recordings.chunksData(sessionId, [1, 2, 3, 4, 5, 6]);
        return { counters: { eventCount: session.eventCount, bytes: session.bytes, chunkCount: session.chunkCount, maxSeq: session.maxSeq }, chunks: chunks.size, appBytes: await db.repos.recordings.storedBytes(session.appId) };
      } finally {
        await db.close();
      }
    };
    expect(await look()).toEqual({ counters: { eventCount: 0, bytes: 0, chunkCount: 0, maxSeq: 0 }, chunks: 5, appBytes: 0 });

    // The restart recounts the active session from its chunks, exactly once.
    server = await startServerProcess({ INGEST_FLUSH_MS: NEVER_MS }, server.dataDir);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await server.stop('SIGTERM');
    const bytes = sent.reduce((sum, data) => sum + data.length, 0);
    expect(await look()).toEqual({ counters: { eventCount: 15, bytes, chunkCount: 5, maxSeq: 5 }, chunks: 5, appBytes: bytes });
  });

  it('a reloaded page on another server never reuses a seq whose chunk is stored but not yet counted', async () => {
    const { uri, dbName } = await sharedDatabase('reload', cleanups);
    // Node A writes derived state only on demand; node B is an ordinary node on the same database.
    const a: TestServer = await startTestServer({ MONGODB_URI: uri, INGEST_FLUSH_MS: NEVER_MS }, { dbName });
    cleanups.push(() => a.close());
    const b: TestServer = await startTestServer({ MONGODB_URI: uri }, { dbName });
    cleanups.push(() => b.close());
    const { key } = await createSiteApp(a, [SHOP]);

    const first = await startVisitorSession(a.url, { key }, SHOP);
    expect((await command<any>(first.socket, 'recording:start', { sessionId: first.sessionId })).data.nextSeq).toBe(1);
    const sent = [batch(2, 100), batch(3, 200), batch(4, 300)];
    for (const [i, data] of sent.entries()) expect((await command<any>(first.socket, 'recording:batch', { sessionId: first.sessionId, seq: i + 1, data })).data.stored).toBe(true);

    // The page reloads and its new connection lands on node B before A saw the old one close (a
    // disconnect would make A write the session's state at once).
    const { visitorId, visitorToken } = first.ready;
    const reloaded = await startVisitorSession(b.url, { key, visitorId, visitorToken }, SHOP);
    expect(reloaded.sessionId).toBe(first.sessionId);
    expect((await command<any>(reloaded.socket, 'recording:start', { sessionId: reloaded.sessionId })).data.nextSeq).toBe(4);
    expect((await command<any>(reloaded.socket, 'recording:batch', { sessionId: reloaded.sessionId, seq: 4, data: batch(1, 400) })).data).toEqual({ seq: 4, stored: true, ackedThrough: 4 });
    reloaded.socket.close();
    first.socket.close();

    // A's pending counts, written late, count nothing B counted already.
    await a.close();
    cleanups.pop();
    const session = (await b.db.repos.sessions.findById(first.sessionId))!;
    expect({ eventCount: session.eventCount, chunkCount: session.chunkCount, maxSeq: session.maxSeq }).toEqual({ eventCount: 10, chunkCount: 4, maxSeq: 4 });
    expect((await b.db.repos.recordings.listChunks(first.sessionId, 0, 10)).map((head) => head.seq)).toEqual([1, 2, 3, 4]);
  });

  it('holds at most the pending-bytes bound for a slowed database: acknowledgements wait instead', async () => {
    const BOUND_BYTES = 1_000_000;
    const server = await startTestServer({ INGEST_MAX_PENDING_BYTES: String(BOUND_BYTES) });
    cleanups.push(() => server.close());
    slowChunkWrites(server.db, 150);
    const { key } = await createSiteApp(server, [SHOP]);
    const visitors = await Promise.all(Array.from({ length: 8 }, () => startVisitorSession(server.url, { key }, SHOP)));
    // Incompressible padding: each batch ~110 KB on the wire, 32 of them (~3.5 MB) offered at once.
    const data = batch(1, 1_000, randomBytes(110_000).toString('base64'));
    expect(data.length).toBeGreaterThan(100_000);
    let maxPending = 0;
    let maxWaiting = 0;
    const sampler = setInterval(() => {
      const { pendingBytes, waitingWriters } = server.db.ingest.stats();
      maxPending = Math.max(maxPending, pendingBytes);
      maxWaiting = Math.max(maxWaiting, waitingWriters);
    }, 2);
    const acks = await Promise.all(
      visitors.flatMap(({ socket, sessionId }) => [1, 2, 3, 4].map((seq) => command<any>(socket, 'recording:batch', { sessionId, seq, data }))),
    );
    clearInterval(sampler);
    expect(acks.every((ack) => ack.data?.stored === true)).toBe(true);
    expect(maxWaiting).toBeGreaterThan(0);
    expect(maxPending).toBeGreaterThan(0);
    expect(maxPending).toBeLessThanOrEqual(BOUND_BYTES);
    for (const { socket, sessionId } of visitors) {
      expect((await server.db.repos.recordings.listChunks(sessionId, 0, 10)).map((head) => head.seq)).toEqual([1, 2, 3, 4]);
      socket.close();
    }
  });
});
