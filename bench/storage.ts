import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from '@rrweb/packer/pack';
import { calculateObjectSize } from 'bson';
import type { eventWithTime } from '@rrweb/types';
import { launchChromium } from '../e2e/support/browser.js';
import { newPage } from '../e2e/support/fixtures.js';
import { demoAppId, waitForSettledSeqs } from '../e2e/support/recording.js';
import { joinEventParts, type RecordedEvent } from '../server/src/protocol/recording-events.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startTestServer } from '../server/src/testing/test-server.js';
import { type Benchmark, type Figure } from './figure.js';
import { scriptedDemoSession } from './fixtures/demo-session.js';

const BENCH = 'storage';
const KB = 1024;

/**
 * Bytes stored for a standard scripted visit (two demo pages, a chat, typing, scrolling), recorded by
 * the real widget in Chromium into a real server and database, against the raw rrweb JSON of the same
 * events (decoded back from the stored chunks) and against rrweb's own per-event packer
 * (`@rrweb/packer` 2.1.6, which rrweb-player already brings: zlib of each event's JSON).
 */
export const storage: Benchmark = {
  name: BENCH,
  description: 'scripted demo visit (2 pages, chat, typing, scrolling) recorded in Chromium: stored bytes vs raw rrweb JSON vs per-event packer',
  async run() {
    const server = await startTestServer();
    const browser = await launchChromium();
    try {
      const owner = new HttpClient(server.url);
      await owner.signIn();
      const appId = await demoAppId(owner);
      const page = await newPage(browser, { width: 1024, height: 600 });
      const sessionId = await scriptedDemoSession(page, server.url);
      // Closing the page sends what is left (pagehide flush); then nothing more arrives.
      await page.context().close();
      const seqs = await waitForSettledSeqs(owner, appId, sessionId, 3_000);

      // The chunk documents as stored (storage's own dump), blob and header.
      const chunks: Array<Record<string, any>> = [];
      for await (const { collection, document } of server.db.documents()) if (collection === 'chunks' && String(document.sessionId) === sessionId) chunks.push(document);
      if (chunks.length !== seqs.length) throw new Error(`expected ${seqs.length} chunks, found ${chunks.length}`);
      const blobs = chunks.map((chunk) => toBuffer(chunk.data));
      const blobBytes = blobs.reduce((total, blob) => total + blob.length, 0);
      // Everything the chunk documents take as BSON (blob plus its small readable header).
      const documentBytes = chunks.reduce((total, chunk) => total + calculateObjectSize(chunk), 0);

      const ordered = chunks.map((chunk, i) => ({ seq: chunk.seq, blob: blobs[i] })).sort((a, b) => a.seq - b.seq);
      const events = joinEventParts(ordered.flatMap(({ blob }) => JSON.parse(gunzipSync(blob).toString('utf8')) as RecordedEvent[]));
      const raw = Buffer.from(JSON.stringify(events));
      const packed = events.map((event) => pack(event as unknown as eventWithTime));
      // Packed strings hold one byte per character (fflate's latin1 string): their length is their size.
      const packedBytes = packed.reduce((total, text) => total + text.length, 0);
      const wholeGzip = gzipSync(raw).length;

      const ratio = raw.length / documentBytes;
      // What dominates: full snapshots (the whole DOM and its inlined CSS, once per page) vs the rest.
      const snapshotEvents = events.filter((event) => event.type === 2);
      const snapshotRaw = Buffer.byteLength(JSON.stringify(snapshotEvents));
      // Each snapshot lands in its own batch, and deflate's 32 KB window cannot reach back to the
      // previous page's snapshot anyway: gzip them one by one, as they are stored.
      const snapshotGzip = snapshotEvents.reduce((total, event) => total + gzipSync(JSON.stringify(event)).length, 0);
      const composition = `full snapshots: ${pct(snapshotRaw, raw.length)} of raw; gzipped one by one ${(snapshotGzip / KB).toFixed(1)} KB = ${pct(snapshotGzip, blobBytes)} of the stored blobs`;
      const figures: Figure[] = [
        { benchmark: BENCH, figure: 'raw rrweb JSON of the session', value: raw.length / KB, unit: 'KB', budget: null, note: `${events.length} events, ${snapshotEvents.length} full snapshots, ${chunks.length} chunks` },
        { benchmark: BENCH, figure: 'stored chunk documents (blob + header, BSON)', value: documentBytes / KB, unit: 'KB', budget: null, note: `blobs alone ${(blobBytes / KB).toFixed(1)} KB` },
        { benchmark: BENCH, figure: 'raw ÷ stored', value: ratio, unit: '×', budget: null, note: `blobs alone ${(raw.length / blobBytes).toFixed(1)} ×` },
        { benchmark: BENCH, figure: 'rrweb per-event packer', value: packedBytes / KB, unit: 'KB', budget: null, note: `raw ÷ packed ${(raw.length / packedBytes).toFixed(1)} ×; ours is ${(packedBytes / documentBytes).toFixed(1)} × smaller` },
        { benchmark: BENCH, figure: 'whole-session gzip (reference)', value: wholeGzip / KB, unit: 'KB', budget: null, note: `raw ÷ gzip ${(raw.length / wholeGzip).toFixed(1)} ×: the floor batching approaches` },
        { benchmark: BENCH, figure: 'stored ÷ raw', value: documentBytes / raw.length, unit: 'fraction', budget: { label: '≤ 1/12 (0.083)', check: (v) => v <= 1 / 12 }, note: composition },
      ];
      return figures;
    } finally {
      await browser.close();
      await server.close();
    }
  },
};

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const binary = data as { buffer: Uint8Array };
  return Buffer.from(binary.buffer);
}
