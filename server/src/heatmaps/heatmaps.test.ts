import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppsService } from '../apps/apps-service.js';
import { analyzeRecording } from '../insights/analyze-recording.js';
import { heatmapQuerySchema, widthClassOf, type HeatmapQuery } from '../protocol/heatmaps.js';
import { HEATMAP_COLUMNS, HEATMAP_ROW_PX, HEATMAP_SCROLL_BAND_PX } from '../protocol/limits.js';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from '../storage/contract/contract-engines.js';
import type { SessionRecord, Storage, UserRecord } from '../storage/ports.js';
import { createHeatmapsService, type HeatmapsService } from './heatmaps-service.js';

/**
 * Heatmaps read back from the real database equal a brute-force count over the generated sessions'
 * clicks and scrolls, on both engines (the embedded FerretDB and MongoDB's semantics); a session
 * counted twice, even at once, counts once; path patterns, days and width classes filter.
 */

type Action = { kind: 'scroll'; y: number } | { kind: 'click'; x: number; y: number } | { kind: 'resize'; width: number; height: number };
interface Visit {
  path: string;
  width: number;
  height: number;
  actions: Action[];
}
interface GeneratedSession {
  day: string;
  visits: Visit[];
}

const PATHS = ['/', '/pricing', '/docs/a', '/docs/b/c', '/docsx', '/docs'];
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03'];
const WIDTHS = [375, 800, 1280];
const PATTERNS = ['/pricing', '/docs/*', '/*', '/docs/b/*', '/docs/a', '/docs', '/docsx'];

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('scroll' as const), y: fc.integer({ min: 0, max: 3_000 }) }),
  { arbitrary: fc.record({ kind: fc.constant('click' as const), x: fc.integer({ min: 0, max: 1_280 }), y: fc.integer({ min: 0, max: 900 }) }), weight: 4 },
  fc.record({ kind: fc.constant('resize' as const), width: fc.constantFrom(...WIDTHS), height: fc.integer({ min: 300, max: 900 }) }),
);
const visit: fc.Arbitrary<Visit> = fc.record({
  path: fc.constantFrom(...PATHS),
  width: fc.constantFrom(...WIDTHS),
  height: fc.integer({ min: 300, max: 900 }),
  actions: fc.array(action, { maxLength: 12 }),
});
const session: fc.Arbitrary<GeneratedSession> = fc.record({ day: fc.constantFrom(...DAYS), visits: fc.array(visit, { minLength: 1, maxLength: 4 }) });
const query: fc.Arbitrary<HeatmapQuery> = fc
  .record({ path: fc.constantFrom(...PATTERNS), from: fc.constantFrom(...DAYS), to: fc.constantFrom(...DAYS), width: fc.constantFrom('all', 'mobile', 'tablet', 'desktop') })
  .map((q) => heatmapQuerySchema.parse(q.from <= q.to ? q : { ...q, from: q.to, to: q.from }));

/** The session's rrweb events as the recorder writes them: per page a Meta and a full snapshot, then what the visitor did. */
function eventsOf(generated: GeneratedSession): unknown[] {
  const events: unknown[] = [];
  let ts = Date.parse(`${generated.day}T12:00:00Z`);
  for (const { path, width, height, actions } of generated.visits) {
    events.push({ type: 4, timestamp: ts++, data: { href: `https://shop.example${path}?q=1`, width, height } });
    events.push({ type: 2, timestamp: ts++, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } } });
    for (const a of actions) {
      if (a.kind === 'scroll') events.push({ type: 3, timestamp: ts++, data: { source: 3, id: 1, x: 0, y: a.y } });
      else if (a.kind === 'click') events.push({ type: 3, timestamp: ts++, data: { source: 2, type: 2, id: 7, x: a.x, y: a.y } });
      else events.push({ type: 3, timestamp: ts++, data: { source: 4, width: a.width, height: a.height } });
    }
  }
  return events;
}

/** Chunks of a few events each, as stored: gzip of a JSON array. */
function chunksOf(events: unknown[], perChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < events.length; i += perChunk) chunks.push(new Uint8Array(gzipSync(JSON.stringify(events.slice(i, i + perChunk)))));
  return chunks;
}

interface Expected {
  views: number;
  clicks: number;
  cells: Map<string, number>;
  deepest: number[];
}

function matches(pattern: string, path: string): boolean {
  if (pattern === '/*') return true;
  return pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** The brute-force count: every generated click and scroll, by the definition, for one query. */
function bruteForce(sessions: GeneratedSession[], q: HeatmapQuery): Expected {
  const expected: Expected = { views: 0, clicks: 0, cells: new Map(), deepest: [] };
  for (const generated of sessions) {
    if (generated.day < q.from || generated.day > q.to) continue;
    // Per page and width class of this session: seen once, at its deepest.
    const deepestOf = new Map<string, number>();
    for (const v of generated.visits) {
      let { width, height } = v;
      let scroll = 0;
      const see = () => {
        const key = `${widthClassOf(width)} ${v.path}`;
        const band = Math.floor(Math.min(scroll + height, 20_000 - 1) / HEATMAP_SCROLL_BAND_PX);
        deepestOf.set(key, Math.max(deepestOf.get(key) ?? 0, band));
      };
      see();
      for (const a of v.actions) {
        if (a.kind === 'resize') ({ width, height } = a);
        if (a.kind === 'scroll') scroll = a.y;
        see();
        const counted = matches(q.path, v.path) && (q.width === 'all' || q.width === widthClassOf(width));
        if (a.kind !== 'click' || !counted || a.x > width) continue;
        const cell = `${Math.min(HEATMAP_COLUMNS - 1, Math.floor((a.x / width) * HEATMAP_COLUMNS))}_${Math.floor((a.y + scroll) / HEATMAP_ROW_PX)}`;
        expected.cells.set(cell, (expected.cells.get(cell) ?? 0) + 1);
        expected.clicks += 1;
      }
    }
    for (const [key, band] of deepestOf) {
      const [widthClass, path] = key.split(' ');
      if (!matches(q.path, path) || (q.width !== 'all' && q.width !== widthClass)) continue;
      expected.views += 1;
      for (let b = 0; b <= band; b++) expected.deepest[b] = (expected.deepest[b] ?? 0) + 1;
    }
  }
  return expected;
}

const USER = { id: 'owner', role: 'owner' } as UserRecord;
const anyMember = { getFor: async () => ({}) } as unknown as AppsService;

function sessionRecord(appId: string, day: string): SessionRecord {
  return { id: new Types.ObjectId().toHexString(), appId, status: 'completed', endReason: 'ended', startedAt: new Date(`${day}T12:00:00Z`) } as SessionRecord;
}

async function count(heatmaps: HeatmapsService, record: SessionRecord, generated: GeneratedSession, perChunk: number) {
  const chunks = chunksOf(eventsOf(generated), perChunk);
  const analysis = analyzeRecording({
    chunks,
    seqs: chunks.map((_, i) => i + 1),
    cutReason: null,
    messages: [],
    askedForHumanNote: '',
    session: { startedAt: record.startedAt.getTime(), endedAt: null, endReason: 'ended' },
  });
  await heatmaps.sessionAnalysed(record, analysis.heatmap);
}

describe.each(CONTRACT_ENGINES)('heatmaps on $name', (engineKind) => {
  let engine: RunningEngine;
  let db: Storage;
  let heatmaps: HeatmapsService;
  const dbName = `heatmaps_${process.pid}`;
  beforeAll(async () => {
    engine = await engineKind.start();
    db = await openContractDatabase(engine, dbName);
    heatmaps = createHeatmapsService({ heatmaps: db.heatmaps, apps: anyMember });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await engine?.stop();
  });

  it('counts equal a brute-force count of the generated sessions’ clicks and scrolls, for any path pattern, days and width', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(session, { minLength: 1, maxLength: 6 }), fc.array(query, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 6 }), async (sessions, queries, perChunk) => {
        const appId = new Types.ObjectId().toHexString();
        for (const generated of sessions) await count(heatmaps, sessionRecord(appId, generated.day), generated, perChunk);
        for (const q of queries) {
          const read = await heatmaps.read(USER, appId, q);
          const expected = bruteForce(sessions, q);
          expect(read.views).toBe(expected.views);
          expect(read.clicks).toBe(expected.clicks);
          expect(new Map(read.cells.map(([column, row, n]) => [`${column}_${row}`, n]))).toEqual(expected.cells);
          expect(read.reached).toEqual(expected.deepest);
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  it('a session analysed twice, one after the other or by two processes at once, is counted once', async () => {
    const appId = new Types.ObjectId().toHexString();
    const generated: GeneratedSession = { day: DAYS[0], visits: [{ path: '/pricing', width: 1280, height: 700, actions: [{ kind: 'click', x: 640, y: 100 }, { kind: 'click', x: 10, y: 10 }] }] };
    const once = sessionRecord(appId, generated.day);
    await count(heatmaps, once, generated, 2);
    await count(heatmaps, once, generated, 3);
    const twice = sessionRecord(appId, generated.day);
    // A second process's storage on the same database.
    const second = await openContractDatabase(engine, dbName);
    try {
      const other = createHeatmapsService({ heatmaps: second.heatmaps, apps: anyMember });
      await Promise.all([count(heatmaps, twice, generated, 2), count(other, twice, generated, 2), count(heatmaps, twice, generated, 1)]);
    } finally {
      await second.close();
    }
    const read = await heatmaps.read(USER, appId, heatmapQuerySchema.parse({ path: '/pricing', from: DAYS[0], to: DAYS[0] }));
    expect(read).toMatchObject({ views: 2, clicks: 4 });
    expect(read.cells.sort()).toEqual([
      [0, 0, 2],
      [16, 3, 2],
    ]);
  });

  it('sessions counted at once by two processes add up exactly (compare-and-set on each document’s revision, no blind read-merge-write)', async () => {
    const appId = new Types.ObjectId().toHexString();
    const generated: GeneratedSession = { day: DAYS[1], visits: [{ path: '/docs/a', width: 800, height: 600, actions: [{ kind: 'click', x: 400, y: 50 }] }] };
    const second = await openContractDatabase(engine, dbName);
    try {
      const other = createHeatmapsService({ heatmaps: second.heatmaps, apps: anyMember });
      await Promise.all(Array.from({ length: 30 }, (_, i) => count(i % 2 ? other : heatmaps, sessionRecord(appId, generated.day), generated, 2)));
    } finally {
      await second.close();
    }
    const read = await heatmaps.read(USER, appId, heatmapQuerySchema.parse({ path: '/docs/*', from: DAYS[1], to: DAYS[1], width: 'tablet' }));
    expect(read).toMatchObject({ views: 30, clicks: 30, cells: [[16, 1, 30]], reached: Array.from({ length: 7 }, () => 30) });
  });

  it('filters by pattern, days and width class, and names the page’s stored snapshot', async () => {
    const appId = new Types.ObjectId().toHexString();
    const click = { kind: 'click' as const, x: 100, y: 100 };
    const visits = (path: string, width: number): Visit[] => [{ path, width, height: 600, actions: [click] }];
    await count(heatmaps, sessionRecord(appId, DAYS[0]), { day: DAYS[0], visits: visits('/docs/a', 375) }, 2);
    await count(heatmaps, sessionRecord(appId, DAYS[1]), { day: DAYS[1], visits: visits('/docs/b/c', 1280) }, 2);
    await count(heatmaps, sessionRecord(appId, DAYS[2]), { day: DAYS[2], visits: visits('/docsx', 800) }, 2);
    await count(heatmaps, sessionRecord(appId, DAYS[2]), { day: DAYS[2], visits: visits('/docs', 1280) }, 2);
    const read = (path: string, from: string, to: string, width = 'all') => heatmaps.read(USER, appId, heatmapQuerySchema.parse({ path, from, to, width }));
    expect((await read('/docs/*', DAYS[0], DAYS[2])).clicks).toBe(2);
    expect((await read('/docs/*', DAYS[0], DAYS[0])).clicks).toBe(1);
    expect((await read('/docs/*', DAYS[0], DAYS[2], 'mobile')).clicks).toBe(1);
    expect((await read('/docs/*', DAYS[0], DAYS[2], 'tablet')).clicks).toBe(0);
    expect((await read('/*', DAYS[0], DAYS[2])).clicks).toBe(4);
    expect((await read('/docs', DAYS[0], DAYS[2])).clicks).toBe(1);
    expect((await read('/docs/', DAYS[0], DAYS[2])).clicks).toBe(1);
    const docs = await read('/docs/*', DAYS[0], DAYS[2]);
    // Desktop's snapshot first: the /docs/b/c page, in the chunks of its Meta and full snapshot.
    expect(docs.snapshot).toMatchObject({ href: 'https://shop.example/docs/b/c?q=1', width: 1280, height: 600, firstSeq: 1, lastSeq: 1 });
    expect((await read('/docs/*', DAYS[0], DAYS[2], 'mobile')).snapshot).toMatchObject({ href: 'https://shop.example/docs/a?q=1', width: 375 });
    expect((await read('/nowhere', DAYS[0], DAYS[2])).snapshot).toBeNull();
  });
});
