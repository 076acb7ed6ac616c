import { randomBytes } from 'node:crypto';
import { BSON } from 'bson';
import type { AppsService } from '../server/src/apps/apps-service.js';
import { periodsOfDay } from '../server/src/heatmaps/heatmap-periods.js';
import { createHeatmapsService } from '../server/src/heatmaps/heatmaps-service.js';
import { heatmapKeysOf, heatmapQuerySchema, WIDTH_CLASSES, type WidthClass } from '../server/src/protocol/heatmaps.js';
import { HEATMAP_COLUMNS, MAX_HEATMAP_RANGE_DAYS } from '../server/src/protocol/limits.js';
import { dayKey } from '../server/src/protocol/utc-buckets.js';
import type { HeatmapPageCounts, UserRecord } from '../server/src/storage/ports.js';
import { openOn, type Engine } from './console-queries.js';
import { atMost, type Benchmark, type Figure } from './figure.js';
import { percentile } from './stats.js';

const BENCH = 'heatmaps';
const BUDGET_MS = 100;
const DAY_MS = 24 * 60 * 60_000;
const SPAN_DAYS = 60;
const QUERIES_PER_KIND = 150;
/** Sessions added one by one through the real path (claim, then compare-and-set writes), for the write figure. */
const SINGLE_SESSIONS = 60;
const PATHS = ['/', '/pricing', '/signup', '/checkout', '/blog', ...Array.from({ length: 15 }, (_, i) => `/docs/${['start', 'api', 'guides'][i % 3]}/page-${i}`)];
const PATTERNS = ['/*', '/docs/*', '/docs/api/*'];

/** A small deterministic generator (the figures are comparable run to run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (state * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

/** One session's page: clicks around a few hotspots of the page, a deepest band, one view. */
function sessionPage(next: () => number, path: string, widthClass: WidthClass): HeatmapPageCounts {
  const cells: Record<string, number> = {};
  const clicks = Math.floor(next() * 12);
  const hotspots = 3 + (path.length % 4);
  for (let i = 0; i < clicks; i++) {
    const spot = Math.floor(next() * hotspots);
    const column = Math.min(HEATMAP_COLUMNS - 1, Math.max(0, Math.round(((spot * 7 + 5) % HEATMAP_COLUMNS) + (next() - 0.5) * 6)));
    const row = Math.max(0, Math.round(spot * 30 + 4 + (next() - 0.5) * 8 + (next() < 0.1 ? next() * 400 : 0)));
    cells[`${column}_${row}`] = (cells[`${column}_${row}`] ?? 0) + 1;
  }
  const deepestBand = Math.floor(next() ** 2 * 80);
  return { keys: heatmapKeysOf(path), widthClass, views: 1, cells, clicks, deepest: { [deepestBand]: 1 }, snapshot: null };
}

function sessionPages(next: () => number): HeatmapPageCounts[] {
  const roll = next();
  const widthClass: WidthClass = roll < 0.45 ? 'mobile' : roll < 0.55 ? 'tablet' : 'desktop';
  const pages = 1 + Math.floor(next() * 4);
  const seen = new Set<string>();
  const list: HeatmapPageCounts[] = [];
  for (let i = 0; i < pages; i++) {
    // Popular pages first: a skewed pick, like real traffic.
    const path = PATHS[Math.floor(next() ** 2 * PATHS.length)];
    if (seen.has(path)) continue;
    seen.add(path);
    list.push(sessionPage(next, path, widthClass));
  }
  return list;
}

/** Sums of many sessions' pages per key and width class: the same stored documents as adding each one. */
function mergeInto(sums: Map<string, HeatmapPageCounts>, key: string, page: HeatmapPageCounts) {
  const id = `${page.widthClass} ${key}`;
  const sum = sums.get(id) ?? { ...page, keys: [key], views: 0, clicks: 0, cells: {}, deepest: {} };
  sum.views += page.views;
  sum.clicks += page.clicks;
  for (const [cell, n] of Object.entries(page.cells)) sum.cells[cell] = (sum.cells[cell] ?? 0) + n;
  for (const [band, n] of Object.entries(page.deepest)) sum.deepest[band] = (sum.deepest[band] ?? 0) + n;
  sums.set(id, sum);
}

/**
 * Heatmap queries at 100k sessions' aggregates (quick: 10k) over 60 days, 20 pages and 3 width
 * classes, on the embedded FerretDB then on MongoDB semantics. The aggregates are written through
 * the repository's `add`, the sessions summed per period, key and width first —
 * the stored buckets are the same as adding the sessions one by one, and the bench checks the total
 * read back. Then
 * 60 sessions are added one by one (claim + compare-and-set writes) for the write figure. Queries run through the
 * heatmaps service (what the route calls, without HTTP): a page or a pattern, 7, 30 or 60 days, every
 * width or one. `--engine=embedded` or `--engine=mongo-semantics` runs one.
 */
export const heatmaps: Benchmark = {
  name: BENCH,
  description: 'Heatmap query p95 at 100k sessions of aggregates (60 days, 20 pages, 3 widths), embedded FerretDB then MongoDB semantics (quick: 10k)',
  async run({ quick, options }) {
    const engines: Engine[] = options.engine ? [options.engine as Engine] : ['embedded', 'mongo-semantics'];
    const figures: Figure[] = [];
    for (const engine of engines) figures.push(...(await measureOn(engine, quick)));
    return figures;
  },
};

async function measureOn(engine: Engine, quick: boolean): Promise<Figure[]> {
  const sessions = quick ? 10_000 : 100_000;
  const label = (figure: string) => (engine === 'embedded' ? figure : `[MongoDB semantics] ${figure}`);
  const { db, dispose } = await openOn(engine);
  try {
    const appId = randomBytes(12).toString('hex');
    const next = random(22);
    const now = Date.now();
    const seedStarted = Date.now();
    // Every session's pages summed per period (its day, week and month), key and width class, then
    // each sum added once: each stored bucket is written once, as its sessions' $incs would leave it.
    const byPeriod = new Map<string, Map<string, HeatmapPageCounts>>();
    let pageViews = 0;
    for (let i = 0; i < sessions; i++) {
      const day = dayKey(new Date(now - Math.floor(next() * SPAN_DAYS) * DAY_MS));
      for (const page of sessionPages(next)) {
        pageViews += 1;
        for (const period of periodsOfDay(day)) {
          const sums = byPeriod.get(period) ?? byPeriod.set(period, new Map()).get(period)!;
          for (const key of page.keys) mergeInto(sums, key, page);
        }
      }
    }
    for (const [period, sums] of byPeriod) await db.heatmaps.add({ appId, sessionId: `seed-${period}`, periods: [period], pages: [...sums.values()] });
    process.stdout.write(`  ${label('seeded')} ${sessions} sessions (${pageViews} page views) in ${byPeriod.size} periods in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s\n`);
    // What a read or a compare-and-set costs follows the documents' size: say how large they are.
    const sizes: number[] = [];
    for await (const { document } of db.documents(['heatmaps'])) if (String(document._id).startsWith(`${appId}:hm:`)) sizes.push(BSON.calculateObjectSize(document));
    process.stdout.write(`  ${label('documents')}: ${sizes.length}, ${(percentile(sizes, 50) / 1024).toFixed(1)} KB p50, ${(percentile(sizes, 95) / 1024).toFixed(1)} KB p95, ${(Math.max(...sizes) / 1024).toFixed(1)} KB the largest\n`);

    const service = createHeatmapsService({ heatmaps: db.heatmaps, apps: { getFor: async () => ({}) } as unknown as AppsService });
    const user = { id: 'bench', role: 'owner' } as UserRecord;
    const today = dayKey(new Date(now));
    const all = await service.read(user, appId, heatmapQuerySchema.parse({ path: '/*', from: dayKey(new Date(now - (SPAN_DAYS - 1) * DAY_MS)), to: today }));
    if (all.views !== pageViews) throw new Error(`read back ${all.views} page views of ${pageViews} added`);

    const writeTimes: number[] = [];
    const docsWritten: number[] = [];
    for (let i = 0; i < SINGLE_SESSIONS; i++) {
      const pages = sessionPages(next);
      const periods = periodsOfDay(today);
      docsWritten.push(new Set(pages.flatMap((page) => page.keys.map((key) => `${page.widthClass} ${key}`))).size * periods.length);
      const started = performance.now();
      await db.heatmaps.add({ appId, sessionId: `single-${i}`, periods, pages });
      writeTimes.push(performance.now() - started);
    }

    const figures: Figure[] = [
      { benchmark: BENCH, figure: label('one session added (claim + compare-and-set writes) p95'), value: percentile(writeTimes, 95), unit: 'ms', budget: null, note: `p50 ${percentile(writeTimes, 50).toFixed(1)} ms, ${SINGLE_SESSIONS} sessions, ${percentile(docsWritten, 50)} documents each (p50)` },
    ];
    process.stdout.write(`  ${label('one session added')}: p50 ${percentile(writeTimes, 50).toFixed(1)} ms, p95 ${percentile(writeTimes, 95).toFixed(1)} ms (${percentile(docsWritten, 50)} documents, p50)\n`);
    // The longest range a query may ask for too: its documents are those of 60 days, and the lookups of a year's periods.
    for (const days of [7, 30, SPAN_DAYS, MAX_HEATMAP_RANGE_DAYS]) {
      for (const kind of ['page', 'pattern'] as const) {
        const times: number[] = [];
        for (let i = 0; i < QUERIES_PER_KIND; i++) {
          const pathOrPattern = kind === 'page' ? PATHS[Math.floor(next() * PATHS.length)] : PATTERNS[Math.floor(next() * PATTERNS.length)];
          const width = next() < 0.5 ? 'all' : WIDTH_CLASSES[Math.floor(next() * 3)];
          const query = heatmapQuerySchema.parse({ path: pathOrPattern, from: dayKey(new Date(now - (days - 1) * DAY_MS)), to: today, width });
          const started = performance.now();
          await service.read(user, appId, query);
          times.push(performance.now() - started);
        }
        const figure = `${kind}, ${days} days`;
        figures.push(
          { benchmark: BENCH, figure: label(`${figure} p50`), value: percentile(times, 50), unit: 'ms', budget: atMost(BUDGET_MS, 'ms'), note: `${sessions} sessions' aggregates` },
          { benchmark: BENCH, figure: label(`${figure} p95`), value: percentile(times, 95), unit: 'ms', budget: atMost(BUDGET_MS, 'ms'), note: `${times.length} queries, half every width` },
        );
        process.stdout.write(`  ${label(figure)}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms\n`);
      }
    }
    return figures;
  } finally {
    await dispose();
  }
}
