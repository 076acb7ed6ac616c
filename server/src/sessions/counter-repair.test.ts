import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch } from '../ingest/batch-decoder.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';

let server: TestServer;
let key: string;
let appId: string;
const SHOP = 'https://shop.example';
const batch = (events: number, from: number) =>
  gzipSync(JSON.stringify(Array.from({ length: events }, (_, i) => ({ type: 3, timestamp: from + i, data: { source: 1, positions: [{ x: i, y: from, id: 1, timeOffset: 0 }] } }))));

beforeAll(async () => {
  server = await startTestServer();
  ({ key, appId } = await createSiteApp(server, [SHOP]));
});
afterAll(() => server?.close());

/** Stores a chunk the way the ingest does, then "crashes": the session is never told about it. */
async function storeUncounted(sessionId: string, seq: number, events: number) {
  const data = batch(events, 10_000 * seq);
  const header = await decodeBatch(data);
  expect(await server.db.repos.recordings.insertChunk({ ...header, seq, sessionId, appId, data, storedAt: new Date() })).toBe(true);
  return header;
}

async function consoleCounters() {
  return { events: (await server.db.activity.counters(appId)).events, bytes: await server.db.repos.recordings.storedBytes(appId) };
}

const counters = async (sessionId: string) => {
  const { eventCount, bytes, chunkCount, maxSeq } = (await server.db.repos.sessions.findById(sessionId))!;
  return { eventCount, bytes, chunkCount, maxSeq };
};

describe('recording counters are repairable', () => {
  it('counts a chunk stored but never counted (a crash between the two) when the session completes, on the console too', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    const sent = [batch(3, 100), batch(2, 200)];
    for (const [i, data] of sent.entries()) expect((await command<any>(socket, 'recording:batch', { sessionId, seq: i + 1, data })).data.stored).toBe(true);
    const lost = await storeUncounted(sessionId, 3, 4);
    const before = await counters(sessionId);
    expect(before).toEqual({ eventCount: 5, bytes: sent[0].length + sent[1].length, chunkCount: 2, maxSeq: 2 });
    const consoleBefore = await consoleCounters();

    const ended = await command<any>(socket, 'session:end');
    expect(ended.data.session.status).toBe('completed');
    expect(await counters(sessionId)).toEqual({ eventCount: 9, bytes: before.bytes + lost.bytes, chunkCount: 3, maxSeq: 3 });
    expect(await consoleCounters()).toEqual({ events: consoleBefore.events + 4, bytes: consoleBefore.bytes + lost.bytes });
    socket.close();
  });

  it('recounts sessions left active at start-up, finding chunks far above the counted ones', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    expect((await command<any>(socket, 'recording:batch', { sessionId, seq: 1, data: batch(1, 100) })).data.stored).toBe(true);
    const far = await storeUncounted(sessionId, 700, 2);
    const near = await storeUncounted(sessionId, 2, 3);
    const before = await counters(sessionId);
    expect(await server.app.sessions.repairActiveCounters()).toBeGreaterThanOrEqual(1);
    expect(await counters(sessionId)).toEqual({ eventCount: 6, bytes: before.bytes + far.bytes + near.bytes, chunkCount: 3, maxSeq: 700 });
    // Recounting again adds nothing.
    await server.app.sessions.repairActiveCounters();
    expect((await counters(sessionId)).chunkCount).toBe(3);
    socket.close();
  });

  it('never counts a chunk twice when batches are still arriving as the session completes', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    const answers = Array.from({ length: 6 }, (_, i) => command<any>(socket, 'recording:batch', { sessionId, seq: i + 1, data: batch(2, 1_000 * (i + 1)) }));
    const ended = command<any>(socket, 'session:end');
    await Promise.all([...answers, ended]);
    const stored = await server.db.repos.recordings.listChunks(sessionId, 0, 100);
    expect(await counters(sessionId)).toEqual({
      eventCount: stored.reduce((sum, chunk) => sum + chunk.eventCount, 0),
      bytes: stored.reduce((sum, chunk) => sum + chunk.bytes, 0),
      chunkCount: stored.length,
      maxSeq: Math.max(...stored.map((chunk) => chunk.seq)),
    });
    socket.close();
  });
});
