import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EMBEDDED, startTestServer, type TestServer } from '../../testing/test-server.js';
import { decodeHeads, encodeHead, HEADS_PER_PAGE, headsKey } from './chunk-heads.js';
import type { NewChunk } from '../ports.js';
import { internalsOf } from '../internals.js';
import type { EmbeddedInternals } from './embedded-storage.js';

const models = () => internalsOf<EmbeddedInternals>(server.db).models;

let server: TestServer;
let appId: string;

beforeAll(async () => {
  server = await startTestServer(EMBEDDED);
  appId = (await server.db.repos.apps.findDemo())!.id;
});
afterAll(() => server?.close());

async function newSession(): Promise<string> {
  const session = await server.db.repos.sessions.create({
    appId, visitorId: `v-${Math.random().toString(36).slice(2)}`, startedAt: new Date(1_000), landingUrl: 'https://x.example/', userAgent: 'T', viewport: { width: 1, height: 1 },
  });
  return session.id;
}

const chunk = (sessionId: string, seq: number): NewChunk => ({
  sessionId, appId, seq, firstTs: seq * 2000, lastTs: seq * 2000 + 1999, eventCount: seq, bytes: 100 + seq, hasFullSnapshot: seq % 50 === 1,
  data: Buffer.from([seq % 256]), storedAt: new Date(),
});

async function store(sessionId: string, seq: number): Promise<boolean> {
  const stored = await server.db.repos.recordings.insertChunk(chunk(sessionId, seq));
  // As the ingest does: only a batch stored for the first time counts into the session.
  if (stored) await server.db.repos.recordings.addToSession(sessionId, { seq, events: seq, bytes: 100 + seq, at: new Date(seq * 2000) });
  return stored;
}

const expected = (seqs: number[]) =>
  seqs.map((seq) => { const { sessionId: _s, appId: _a, data: _d, storedAt: _t, ...head } = chunk('', seq); return head; });

/** How many queries read chunk documents since the call (the slow path the header pages avoid). */
function spyOnChunkReads(): () => number {
  const spies = [vi.spyOn(models().Chunk, 'findById'), vi.spyOn(models().Chunk, 'find')];
  return () => {
    const n = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    for (const spy of spies) spy.mockRestore();
    return n;
  };
}

describe('the replay chunk list (chunk_heads)', () => {
  it('lists every stored chunk in order across header pages, with gaps absent and a retried batch once', async () => {
    const sessionId = await newSession();
    const seqs = Array.from({ length: HEADS_PER_PAGE * 2 + 5 }, (_, i) => i + 1).filter((seq) => seq !== 7 && seq !== HEADS_PER_PAGE + 1);
    // Out of order, as batches from a reconnecting page may arrive.
    for (const seq of [...seqs].reverse()) expect(await store(sessionId, seq)).toBe(true);
    expect(await store(sessionId, 3)).toBe(false);
    // The same batch again through the pagehide POST: same seq, other bytes (compressed elsewhere).
    expect(await server.db.repos.recordings.insertChunk({ ...chunk(sessionId, 4), bytes: 9999, data: Buffer.from('other') })).toBe(false);

    const probes = spyOnChunkReads();
    const all = await server.db.repos.recordings.listChunks(sessionId, 0, 10_000);
    expect(all).toEqual(expected(seqs));
    expect(probes()).toBe(0);
    // Read by pages of header documents, not chunk by chunk.
    expect(await models().ChunkHeads.exists({ _id: headsKey(sessionId, 2) })).toBeTruthy();
    // Paging by `afterSeq` and `limit`.
    expect(await server.db.repos.recordings.listChunks(sessionId, HEADS_PER_PAGE - 2, 4)).toEqual(expected([HEADS_PER_PAGE - 1, HEADS_PER_PAGE, HEADS_PER_PAGE + 2, HEADS_PER_PAGE + 3]));
  });

  it('keeps every header when batches of one session are stored at once, and erasing a session takes its headers too', async () => {
    const sessionId = await newSession();
    const seqs = Array.from({ length: 60 }, (_, i) => i + 1);
    // No lock: each header is added by an atomic `$addToSet`, however the writes interleave.
    await Promise.all(seqs.map((seq) => store(sessionId, seq)));
    expect(await server.db.repos.recordings.listChunks(sessionId, 0, 100)).toEqual(expected(seqs));

    const kept = await newSession();
    await store(kept, 1);
    await server.db.repos.recordings.deleteSessions([sessionId]);
    expect(await models().ChunkHeads.countDocuments({ sessionId })).toBe(0);
    expect(await server.db.repos.recordings.listChunks(kept, 0, 100)).toEqual(expected([1]));
  });

  it('reads back every header of whole numbers (what the batch decoder writes) as it was written', () => {
    const whole = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const header = fc.record({ seq: fc.integer({ min: 1, max: 999_999_999 }), firstTs: whole, lastTs: whole, eventCount: whole, bytes: whole, hasFullSnapshot: fc.boolean() });
    fc.assert(
      fc.property(header, (head) => {
        expect(decodeHeads([encodeHead(head)])).toEqual([head]);
      }),
      { numRuns: 1_000 },
    );
  });
});
