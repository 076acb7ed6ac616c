import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_FANOUT_BYTES_PER_SECOND, MAX_MANIFEST_BYTES } from '../protocol/limits.js';
import { ack, chatVisitor, consoleSocket, createChatApp, recordEvents, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/**
 * Class 4 of issue 14: read paths bounded whatever a session's counters say. A recording stored before
 * far seqs were refused is put in through the repository, as it is in such a database.
 */
let server: TestServer;
let owner: HttpClient;
let app: { id: string; publicKey: string };

beforeAll(async () => {
  server = await startTestServer();
  ({ owner, app } = await createChatApp(server, 'Bounds shop'));
});
afterAll(() => server?.close());

const batch = (ts: number) => gzipSync(Buffer.from(JSON.stringify([{ type: 4, timestamp: ts, data: { href: 'https://chat.example/', width: 800, height: 600 } }])));

/** A chunk stored straight through the repository, counted into its session as the ingest does. */
async function storeDirectly(visitor: ChatVisitor, seq: number, data: Buffer, header: { bytes?: number } = {}) {
  const stored = await server.db.repos.recordings.insertChunk({
    sessionId: visitor.sessionId, appId: app.id, seq, firstTs: 1_000 + seq, lastTs: 1_000 + seq, eventCount: 1, bytes: header.bytes ?? data.length, hasFullSnapshot: false, data, storedAt: new Date(),
  });
  expect(stored).toBe(true);
  await server.db.repos.recordings.addToSession(visitor.sessionId, { seq, events: 1, bytes: header.bytes ?? data.length, at: new Date() });
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('a chunk stored at seq 999,999,999', () => {
  let visitor: ChatVisitor;

  beforeAll(async () => {
    visitor = await chatVisitor(server, app.publicKey);
    await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
    for (const seq of [1, 2, 3]) expect(await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq, data: batch(seq) })).toMatchObject({ data: { stored: true } });
    await storeDirectly(visitor, 999_999_999, batch(4));
    expect(await server.db.repos.recordings.maxSeq(visitor.sessionId)).toBe(999_999_999);
  });
  afterAll(() => visitor?.socket.close());

  it('leaves the replay manifest fast, with the real chunks and a marker where the list stops (it started millions of reads: out of memory)', async () => {
    const { value: response, ms } = await timed(owner.request('GET', `/api/apps/${app.id}/sessions/${visitor.sessionId}/replay`));
    expect(response.status).toBe(200);
    // Generous for a shared machine: a handful of reads.
    expect(ms).toBeLessThan(5_000);
    expect(response.json.data.chunks.map((chunk: { seq: number }) => chunk.seq)).toEqual([1, 2, 3]);
    expect(response.json.data.cut).toEqual({ reason: 'gap', afterSeq: 3 });
  });

  it('leaves the insights fast: their reads follow the chunk list, not 1..maxSeq', async () => {
    const { value: response, ms } = await timed(owner.request('GET', `/api/apps/${app.id}/sessions/${visitor.sessionId}/insights`));
    expect(response.status).toBe(200);
    expect(ms).toBeLessThan(5_000);
    expect(response.json.data.timeline.filter((entry: { kind: string }) => entry.kind === 'page')).toHaveLength(1);
  });

  it('reads one bounded window of header pages per storage call, whatever maxSeq says', async () => {
    const { value: heads, ms } = await timed(server.db.repos.recordings.listChunks(visitor.sessionId, 3, 1_000_000));
    expect(heads).toEqual([]);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('a manifest past MAX_MANIFEST_BYTES', () => {
  it('lists chunks up to the byte budget and says it was cut there', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const claimed = Math.floor(MAX_MANIFEST_BYTES / 2.5);
    for (const seq of [1, 2, 3]) await storeDirectly(visitor, seq, batch(seq), { bytes: claimed });
    const response = await owner.request('GET', `/api/apps/${app.id}/sessions/${visitor.sessionId}/replay`);
    expect(response.json.data.chunks.map((chunk: { seq: number }) => chunk.seq)).toEqual([1, 2]);
    expect(response.json.data.cut).toEqual({ reason: 'bytes', afterSeq: 2 });
    visitor.socket.close();
  });
});

describe('live fan-out', () => {
  it('sends a watcher at most its byte budget per second of a session, drops the rest, and asks the widget for a snapshot to resync', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await command(visitor.socket, 'recording:start', { sessionId: visitor.sessionId });
    const asked = recordEvents(visitor.socket as never, ['recording:watched']);
    const agent = await consoleSocket(server, owner.cookie);
    const arrivals: Array<{ at: number; bytes: number }> = [];
    const gaps = recordEvents(agent, ['replay:gap']);
    agent.on('replay:batch', ({ data }: { data: ArrayBuffer }) => arrivals.push({ at: performance.now(), bytes: data.byteLength }));
    expect(await ack(agent, 'replay:watch', { sessionId: visitor.sessionId })).toEqual({ data: { watchers: 1 } });
    await waitFor(() => asked.length === 1, 'the widget to be asked for a snapshot');

    // A page recording far faster than anyone watches: 12 batches of ~640 KB (incompressible) at once.
    const batches = Array.from({ length: 12 }, (_, i) =>
      gzipSync(JSON.stringify([{ type: 5, timestamp: 1_000 + i, data: { tag: 'noise', payload: randomBytes(480_000).toString('base64') } }])),
    );
    const sentBytes = batches.reduce((sum, data) => sum + data.length, 0);
    const acks = await Promise.all(batches.map((data, i) => command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: i + 1, data })));
    expect(acks.every((answer) => answer.data?.stored)).toBe(true);
    await waitFor(() => gaps.length > 0 && asked.length > 1, 'a gap and a resync request');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // In any one second, at most the budget (a fixed one-second window: twice that across a window's edge).
    const worstSecond = Math.max(...arrivals.map((first) => arrivals.filter((other) => other.at >= first.at && other.at < first.at + 1_000).reduce((sum, a) => sum + a.bytes, 0)));
    console.info(`live fan-out: ${(sentBytes / 1e6).toFixed(1)} MB stored, ${arrivals.length} batches sent (worst second ${(worstSecond / 1e6).toFixed(1)} MB), ${gaps.length} dropped`);
    expect(worstSecond).toBeLessThanOrEqual(2 * LIVE_FANOUT_BYTES_PER_SECOND);
    expect(arrivals.length + gaps.length).toBe(12);
    expect(asked.at(-1)!.payload).toMatchObject({ sessionId: visitor.sessionId, watched: true });
    agent.close();
    visitor.socket.close();
  });
});
