import { gunzipSync, gzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { pack } from '@rrweb/packer/pack';
import { calculateObjectSize } from 'bson';
import type { Page } from 'playwright-core';
import type { eventWithTime } from '@rrweb/types';
import { launchChromium } from '../e2e/support/browser.js';
import { newPage } from '../e2e/support/fixtures.js';
import { demoAppId, waitForSettledSeqs } from '../e2e/support/recording.js';
import { joinEventParts, type RecordedEvent } from '../server/src/protocol/recording-events.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.js';
import { atMost, atLeast, type Benchmark, type Figure } from './figure.js';
import { scriptedDemoSession } from './fixtures/demo-session.js';
import { standardFiveMinuteSession } from './fixtures/standard-session.js';

const BENCH = 'storage';
const KB = 1024;
/** The collections a recording is stored in: its chunks, and once compacted its layout and segments. */
const RECORDING_COLLECTIONS = ['chunks', 'recording_layouts', 'recording_segments'] as const;

interface Visit {
  label: string;
  script: (page: Page, baseUrl: string) => Promise<string>;
}

const VISITS: Visit[] = [
  { label: '20-s visit', script: scriptedDemoSession },
  { label: '5-min session', script: standardFiveMinuteSession },
];

/**
 * Bytes stored for two sessions recorded by the real widget in Chromium into a real server and
 * database — the scripted 20-second visit (two demo pages, a chat, typing, scrolling) and the standard
 * 5-minute session (five page views, a chat, typing, scrolling, hovering, idle stretches) — as
 * ingested (one gzip blob per 2-second batch) and once compacted (issue 20: brotli segments), against
 * the raw rrweb JSON of the same events, and, for reference, rrweb's own per-event packer
 * (`@rrweb/packer` 2.1.6, which rrweb-player already brings: zlib of each event's JSON) and whole-session gzip.
 * "Stored" counts every document of the recording as BSON: blobs, segments and chunk headers.
 */
export const storage: Benchmark = {
  name: BENCH,
  description: '20-s scripted visit and 5-min standard session recorded in Chromium: stored bytes (as ingested and compacted) vs raw rrweb JSON',
  async run() {
    const server = await startTestServer();
    const browser = await launchChromium();
    try {
      const owner = new HttpClient(server.url);
      await owner.signIn();
      const appId = await demoAppId(owner);
      const figures: Figure[] = [];
      for (const visit of VISITS) {
        const page = await newPage(browser, { width: 1024, height: 600 });
        const sessionId = await visit.script(page, server.url);
        // Closing the page sends what is left (pagehide flush); then nothing more arrives.
        await page.context().close();
        await waitForSettledSeqs(owner, appId, sessionId, 3_000);
        figures.push(...(await measure(server, sessionId, visit.label)));
      }
      return figures;
    } finally {
      await browser.close();
      await server.close();
    }
  },
};

async function recordingDocuments(server: TestServer, sessionId: string): Promise<Array<{ collection: string; document: Record<string, any> }>> {
  const found: Array<{ collection: string; document: Record<string, any> }> = [];
  for await (const { collection, document } of server.db.documents(RECORDING_COLLECTIONS)) if (String(document.sessionId) === sessionId) found.push({ collection, document });
  return found;
}

const bsonBytes = (documents: Array<{ document: Record<string, unknown> }>) => documents.reduce((total, { document }) => total + calculateObjectSize(document), 0);

async function eventsOf(server: TestServer, sessionId: string, seqs: number[]): Promise<RecordedEvent[]> {
  const blobs = await server.db.repos.recordings.chunksData(sessionId, seqs);
  if (blobs.size !== seqs.length) throw new Error(`read ${blobs.size} of ${seqs.length} chunks`);
  return joinEventParts(seqs.flatMap((seq) => JSON.parse(gunzipSync(blobs.get(seq)!).toString('utf8')) as RecordedEvent[]));
}

async function measure(server: TestServer, sessionId: string, label: string): Promise<Figure[]> {
  const ingested = await recordingDocuments(server, sessionId);
  const chunks = ingested.map(({ document }) => document).sort((a, b) => a.seq - b.seq);
  const seqs = chunks.map((chunk) => chunk.seq as number);
  const blobBytes = chunks.reduce((total, chunk) => total + toBuffer(chunk.data).length, 0);
  const ingestedBytes = bsonBytes(ingested);
  const events = await eventsOf(server, sessionId, seqs);
  const raw = Buffer.from(JSON.stringify(events));
  const minutes = (events.at(-1)!.timestamp - events[0].timestamp) / 60_000;

  // Completed as a visitor's End chat would; compacted now (the completion queues it too: either stores it once).
  await server.app.sessions.end(sessionId, 'visitor-ended');
  const started = performance.now();
  const outcome = await server.app.compaction.compact(sessionId);
  const compactMs = performance.now() - started;
  await server.app.compaction.idle();
  if (outcome !== 'compacted' && outcome !== 'compacted-before') throw new Error(`${label}: compaction answered ${outcome}`);
  const compacted = await recordingDocuments(server, sessionId);
  const compactedBytes = bsonBytes(compacted);
  const segments = compacted.filter(({ collection }) => collection === 'recording_segments').map(({ document }) => document);
  const segmentBytes = segments.reduce((total, segment) => total + toBuffer(segment.data).length, 0);
  const headerBytes = bsonBytes(compacted.filter(({ collection }) => collection === 'chunks'));
  // The compacted recording reads back event for event.
  if (!isDeepStrictEqual(await eventsOf(server, sessionId, seqs), events)) throw new Error(`${label}: the compacted recording reads back different events`);

  const packedBytes = events.map((event) => pack(event as unknown as eventWithTime)).reduce((total, text) => total + text.length, 0);
  const wholeGzip = gzipSync(raw).length;
  // What dominated before compaction: full snapshots (the whole DOM and its inlined CSS, once per page view), each gzipped alone.
  const snapshotEvents = events.filter((event) => event.type === 2);
  const snapshotGzip = snapshotEvents.reduce((total, event) => total + gzipSync(JSON.stringify(event)).length, 0);
  const name = (figure: string) => `${label}: ${figure}`;
  const perMinute = (bytes: number) => bytes / KB / minutes;
  return [
    { benchmark: BENCH, figure: name('raw rrweb JSON'), value: raw.length / KB, unit: 'KB', budget: null, note: `${events.length} events over ${minutes.toFixed(2)} recorded min, ${snapshotEvents.length} full snapshots (${pct(Buffer.byteLength(JSON.stringify(snapshotEvents)), raw.length)} of raw), ${chunks.length} chunks` },
    { benchmark: BENCH, figure: name('stored as ingested (blobs + headers, BSON)'), value: ingestedBytes / KB, unit: 'KB', budget: null, note: `raw ÷ stored ${(raw.length / ingestedBytes).toFixed(2)} ×; ${perMinute(ingestedBytes).toFixed(1)} KB per recorded min; full snapshots gzipped one by one ${pct(snapshotGzip, blobBytes)} of the blobs` },
    { benchmark: BENCH, figure: name('stored compacted (segments + headers + layout, BSON)'), value: compactedBytes / KB, unit: 'KB', budget: null, note: `${segments.length} segment(s) ${(segmentBytes / KB).toFixed(1)} KB; ${chunks.length} chunk headers ${(headerBytes / KB).toFixed(1)} KB; compaction ${compactMs.toFixed(0)} ms (${outcome})` },
    { benchmark: BENCH, figure: name('raw ÷ stored, compacted'), value: raw.length / compactedBytes, unit: '×', budget: atLeast(12, '×'), note: `as ingested ${(raw.length / ingestedBytes).toFixed(2)} ×; segments alone ${(raw.length / segmentBytes).toFixed(1)} ×` },
    { benchmark: BENCH, figure: name('stored per recorded minute, compacted'), value: perMinute(compactedBytes), unit: 'KB', budget: atMost(25, 'KB'), note: `as ingested ${perMinute(ingestedBytes).toFixed(1)} KB` },
    { benchmark: BENCH, figure: name('references: per-event packer, whole-session gzip'), value: packedBytes / KB, unit: 'KB', budget: null, note: `raw ÷ packed ${(raw.length / packedBytes).toFixed(1)} ×; raw ÷ whole-session gzip ${(raw.length / wholeGzip).toFixed(1)} × (${(wholeGzip / KB).toFixed(1)} KB: its 32 KB window cannot reach the previous page's snapshot)` },
  ];
}

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const binary = data as { buffer: Uint8Array };
  return Buffer.from(binary.buffer);
}
