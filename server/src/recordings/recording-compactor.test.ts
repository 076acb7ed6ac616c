import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch } from '../ingest/batch-decoder.js';
import { runRetention } from '../ingest/retention.js';
import type { RecordedEvent } from '../protocol/recording-events.js';
import { rewriteSegments } from '../storage/test-seams.js';
import { HttpClient } from '../testing/http-client.js';
import { sharedDatabase } from '../testing/shared-database.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** A shop-like page as rrweb serializes it: the same CSS on every page, as a real site has. */
function page(pageNo: number, ts: number): RecordedEvent[] {
  let id = 0;
  const text = (textContent: string) => ({ type: 3, textContent, id: ++id });
  const el = (tagName: string, childNodes: unknown[] = [], attributes: Record<string, string> = {}) => ({ type: 2, tagName, attributes, childNodes, id: ++id });
  const css = Array.from({ length: 120 }, (_, i) => `.c${i} .item-${i}{margin:${i % 7}px;padding:${i % 5}px 8px}`).join('\n');
  const cards = Array.from({ length: 40 }, (_, i) => el('div', [el('h3', [text(`Product ${pageNo}-${i}`)]), el('p', [text('Thrives on neglect.')])], { class: `card c${i}` }));
  const html = el('html', [el('head', [el('style', [{ type: 3, textContent: css, isStyle: true, id: ++id }])]), el('body', cards)]);
  return [
    { type: 4, timestamp: ts, data: { href: `https://shop.example/page-${pageNo}`, width: 1280, height: 800 } },
    { type: 2, timestamp: ts + 1, data: { node: { type: 0, childNodes: [html], id: ++id }, initialOffset: { top: 0, left: 0 } } },
  ];
}

/** Three pages of 2-second batches: a full snapshot on the first of each page, pointer moves and text changes after it. */
function recording(start: number): RecordedEvent[][] {
  const batches: RecordedEvent[][] = [];
  for (let p = 0; p < 3; p++) {
    for (let b = 0; b < 12; b++) {
      const ts = start + (p * 12 + b) * 2_000;
      const moves = Array.from({ length: 8 }, (_, i) => ({ type: 3, timestamp: ts + i * 200, data: { source: 1, positions: [{ x: 100 + ((b * 37 + i * 11) % 700), y: 90 + ((b * 13 + i * 7) % 400), id: 5, timeOffset: 0 }] } }));
      batches.push([...(b === 0 ? page(p, ts) : []), ...moves, { type: 3, timestamp: ts + 1_900, data: { source: 0, texts: [{ id: 7, value: `now ${p}:${b}` }], attributes: [], removes: [], adds: [] } }]);
    }
  }
  return batches;
}

async function storeCompleted(server: TestServer, batches: RecordedEvent[][]): Promise<{ appId: string; sessionId: string; blobs: Buffer[] }> {
  const app = (await server.db.repos.apps.findDemo())!;
  const repos = server.db.repos;
  const session = await repos.sessions.create({ appId: app.id, visitorId: `v-${Math.random().toString(36).slice(2)}`, startedAt: new Date(batches[0][0].timestamp), landingUrl: 'https://shop.example/', userAgent: 'Test/1.0', viewport: { width: 1280, height: 800 } });
  const blobs: Buffer[] = [];
  for (const [i, events] of batches.entries()) {
    const data = gzipSync(JSON.stringify(events));
    const header = await decodeBatch(data);
    await repos.recordings.storeChunk({ ...header, seq: i + 1, sessionId: session.id, appId: app.id, data, storedAt: new Date() });
    blobs.push(data);
  }
  await repos.sessions.complete(session.id, new Date(batches.at(-1)!.at(-1)!.timestamp), 'visitor-ended');
  return { appId: app.id, sessionId: session.id, blobs };
}

/** What the console does: the manifest, then each chunk by its URL, inflated. */
async function replayed(server: TestServer, owner: HttpClient, appId: string, sessionId: string, only?: number[]) {
  const manifest = await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`);
  const seqs: number[] = only ?? manifest.json.data.chunks.map((chunk: { seq: number }) => chunk.seq);
  const chunks: Array<{ seq: number; status: number; code?: string; events?: RecordedEvent[] }> = [];
  for (const seq of seqs) {
    const response = await fetch(`${server.url}/api/apps/${appId}/sessions/${sessionId}/replay/chunks/${seq}`, { headers: { cookie: owner.cookie } });
    const body = Buffer.from(await response.arrayBuffer());
    chunks.push(response.ok ? { seq, status: response.status, events: JSON.parse(gunzipSync(body).toString()) } : { seq, status: response.status, code: JSON.parse(body.toString()).error.code });
  }
  return chunks;
}

async function stored(server: TestServer, sessionId: string) {
  const found = { chunkBlobs: 0, chunkHeaders: 0, layouts: 0, segments: [] as Array<{ generation: string; bytes: number }> };
  for await (const { collection, document } of server.db.documents(['chunks', 'recording_layouts', 'recording_segments'])) {
    if (String(document.sessionId) !== sessionId) continue;
    if (collection === 'chunks') (document.data ? found.chunkBlobs++ : found.chunkHeaders++);
    if (collection === 'recording_layouts') found.layouts++;
    if (collection === 'recording_segments') found.segments.push({ generation: String(document.generation), bytes: (document.data as { length?: number; buffer?: Uint8Array }).buffer?.length ?? 0 });
  }
  return found;
}

describe('recording compaction (issue 20)', () => {
  let server: TestServer;
  let owner: HttpClient;
  beforeAll(async () => {
    server = await startTestServer();
    owner = new HttpClient(server.url);
    await owner.signIn();
  });
  afterAll(() => server.close());

  it('stores a completed session as segments that replay the very events recorded, chunk by chunk', async () => {
    const batches = recording(Date.now() - 3_600_000);
    const { appId, sessionId, blobs } = await storeCompleted(server, batches);
    const before = await replayed(server, owner, appId, sessionId);

    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    const after = stored(server, sessionId);
    const { chunkBlobs, chunkHeaders, layouts, segments } = await after;
    expect({ chunkBlobs, chunkHeaders, layouts }).toEqual({ chunkBlobs: 0, chunkHeaders: batches.length, layouts: 1 });
    const segmentBytes = segments.reduce((total, segment) => total + segment.bytes, 0);
    expect(segmentBytes).toBeLessThan(blobs.reduce((total, blob) => total + blob.length, 0) / 4);

    // Event for event what was recorded, through the replay's routes and through the readers' port.
    const replay = await replayed(server, owner, appId, sessionId);
    expect(replay.map((chunk) => chunk.events)).toEqual(batches);
    expect(replay).toEqual(before);
    const all = await server.db.repos.recordings.chunksData(sessionId, batches.map((_, i) => i + 1));
    expect([...all.keys()].sort((a, b) => a - b)).toEqual(batches.map((_, i) => i + 1));
    for (const [seq, blob] of all) expect(JSON.parse(gunzipSync(blob).toString())).toEqual(batches[seq - 1]);
  });

  it('seeks straight to a later chunk of a compacted session, and keeps a batch that arrives after it', async () => {
    const batches = recording(Date.now() - 3_600_000);
    const { appId, sessionId, blobs } = await storeCompleted(server, batches);
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    // Nothing of this session was decoded yet: the last page's chunk alone.
    expect((await replayed(server, owner, appId, sessionId, [30]))[0].events).toEqual(batches[29]);

    // A late pagehide flush after completion is stored and replayed; a copy of a compacted batch is refused.
    const late: RecordedEvent[] = [{ type: 3, timestamp: batches.at(-1)!.at(-1)!.timestamp + 500, data: { source: 2, type: 2, id: 5, x: 1, y: 2 } }];
    const data = gzipSync(JSON.stringify(late));
    const header = await decodeBatch(data);
    expect(await server.db.repos.recordings.storeChunk({ ...header, seq: batches.length + 1, sessionId, appId, data, storedAt: new Date() })).toBe(true);
    expect(await server.db.repos.recordings.storeChunk({ ...(await decodeBatch(blobs[3])), seq: 4, sessionId, appId, data: blobs[3], storedAt: new Date() })).toBe(false);
    const replay = await replayed(server, owner, appId, sessionId);
    expect(replay.map((chunk) => chunk.events)).toEqual([...batches, late]);
    // Compacting again stores nothing twice: the late chunk stays as it came.
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted-before');
    expect((await stored(server, sessionId)).chunkBlobs).toBe(1);
  });

  it('answers every read made while the session is compacted with the whole recording, old or new', async () => {
    const batches = recording(Date.now() - 3_600_000);
    const { sessionId } = await storeCompleted(server, batches);
    const seqs = batches.map((_, i) => i + 1);
    let done = false;
    const compaction = server.app.compaction.compact(sessionId).finally(() => (done = true));
    let reads = 0;
    // Until a read after the compaction finished.
    for (let last = false; !last; reads++) {
      last = done;
      const blobs = await server.db.repos.recordings.chunksData(sessionId, seqs);
      expect(seqs.map((seq) => (blobs.has(seq) ? JSON.parse(gunzipSync(blobs.get(seq)!).toString()) : null))).toEqual(batches);
    }
    expect(await compaction).toBe('compacted');
    expect(reads).toBeGreaterThan(1);
  });

  it('erasing the visitor erases the compacted recording', async () => {
    const { appId, sessionId } = await storeCompleted(server, recording(Date.now() - 3_600_000));
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    const visitorId = (await server.db.repos.sessions.findById(sessionId))!.visitorId;
    const response = await owner.request('DELETE', `/api/apps/${appId}/visitors/${encodeURIComponent(visitorId)}`);
    expect(response.status).toBe(200);
    expect(await stored(server, sessionId)).toEqual({ chunkBlobs: 0, chunkHeaders: 0, layouts: 0, segments: [] });
  });

  it('refuses a compression bomb or a lying index in a stored segment, and reads the rest', async () => {
    const batches = recording(Date.now() - 3_600_000);
    const { appId, sessionId } = await storeCompleted(server, batches);
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    // The stored bytes inflate to 64 MB; the index still claims its true size.
    expect(await rewriteSegments(server.db, sessionId, { data: brotliCompressSync(Buffer.alloc(64_000_000, 'a')) })).toBeGreaterThan(0);
    const [bomb] = await replayed(server, owner, appId, sessionId, [2]);
    expect(bomb).toEqual({ seq: 2, status: 422, code: 'E_RECORDING_DAMAGED' });
    expect((await server.db.repos.recordings.chunksData(sessionId, [1, 2, 3])).size).toBe(0);
    // An index that tells the bomb's true size, past what any segment may hold, is refused before anything is inflated.
    await rewriteSegments(server.db, sessionId, { rawBytes: 64_000_000, lengths: [64_000_000], seqs: [5] });
    expect((await replayed(server, owner, appId, sessionId, [5]))[0]).toEqual({ seq: 5, status: 422, code: 'E_RECORDING_DAMAGED' });
    // The server goes on.
    expect((await owner.request('GET', '/healthz')).status).toBe(200);
  });

  it('leaves a stored chunk that is a compression bomb as it is, and compacts the rest', async () => {
    const batches = recording(Date.now() - 3_600_000);
    const { appId, sessionId } = await storeCompleted(server, batches.slice(0, 6));
    // Stored as if an older server had taken it: gzip inflating past MAX_BATCH_DECOMPRESSED_BYTES.
    const bomb = gzipSync(Buffer.alloc(20_000_000, ' '));
    await server.db.repos.recordings.storeChunk({ seq: 7, firstTs: 0, lastTs: 0, eventCount: 1, bytes: bomb.length, hasFullSnapshot: false, sessionId, appId, data: bomb, storedAt: new Date() });
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    expect(await stored(server, sessionId)).toMatchObject({ chunkBlobs: 1, chunkHeaders: 6, layouts: 1 });
    expect((await replayed(server, owner, appId, sessionId, [1, 6])).map((chunk) => chunk.events)).toEqual([batches[0], batches[5]]);
  });
});

describe('retention (issue 20)', () => {
  it('deletes a compacted recording past the retention period', async () => {
    const server = await startTestServer();
    try {
      const { sessionId } = await storeCompleted(server, recording(Date.now() - 40 * 86_400_000));
      expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
      expect((await stored(server, sessionId)).layouts).toBe(1);
      expect((await runRetention(server.db.repos, new Date())).sessions).toBe(1);
      expect(await stored(server, sessionId)).toEqual({ chunkBlobs: 0, chunkHeaders: 0, layouts: 0, segments: [] });
    } finally {
      await server.close();
    }
  });
});

describe('two servers on one database (issue 20)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('compacting one session on two servers at once stores it once', async () => {
    const { uri, dbName } = await sharedDatabase('compact', cleanups);
    const a = await startTestServer({ MONGODB_URI: uri }, { dbName });
    cleanups.push(() => a.close());
    const b = await startTestServer({ MONGODB_URI: uri }, { dbName });
    cleanups.push(() => b.close());
    const batches = recording(Date.now() - 3_600_000);
    const { appId, sessionId } = await storeCompleted(a, batches);

    const outcomes = await Promise.all([a.app.compaction.compact(sessionId), b.app.compaction.compact(sessionId), a.app.compaction.compact(sessionId)]);
    expect(outcomes.filter((outcome) => outcome === 'compacted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'compacted').every((outcome) => outcome === 'compacted-before')).toBe(true);
    const { layouts, segments, chunkBlobs } = await stored(a, sessionId);
    expect({ layouts, chunkBlobs, generations: new Set(segments.map((segment) => segment.generation)).size }).toEqual({ layouts: 1, chunkBlobs: 0, generations: 1 });
    for (const server of [a, b]) {
      const owner = new HttpClient(server.url);
      await owner.signIn();
      expect((await replayed(server, owner, appId, sessionId)).map((chunk) => chunk.events)).toEqual(batches);
    }
  });
});
