import fc from 'fast-check';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodsCovering, periodsOfDay } from '../heatmaps/heatmap-periods.js';
import { heatmapKeysOf, WIDTH_CLASSES, type WidthClass } from '../protocol/heatmaps.js';
import { HEATMAP_COLUMNS } from '../protocol/limits.js';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from './contract/contract-engines.js';
import { convertPreviousLayout } from './heatmaps-previous-layout.js';
import type { HeatmapContribution, HeatmapTotals, Storage } from './ports.js';

/**
 * A database whose heatmaps were written by the previous layout (a document per period, width or
 * every width, and key, with a field per cell and band; snapshots apart) is migrated when it opens, and
 * then answers what the same sessions added through today's layout answer — on both engines; its
 * session claims still hold; a migration cut short and run again counts nothing twice.
 */

type Doc = Document & { _id: string };
const DAYS = ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-09'];
const PATHS = ['/', '/pricing', '/docs/a', '/docs/b/c', '/docs:x/y'];
const RANGES: Array<[string, string]> = [
  ['2026-10-31', '2026-11-09'],
  ['2026-11-01', '2026-11-30'],
  ['2026-10-01', '2026-10-31'],
  ['2026-11-02', '2026-11-08'],
];

/** What the previous layout's `add` wrote, field for field (commit 0c358c4's storage/heatmaps.ts). */
async function addPreviousLayout(collection: Collection<Doc>, { appId, sessionId, periods, pages }: HeatmapContribution) {
  await collection.updateOne({ _id: `${appId}:hs:${sessionId}` }, { $set: { appId, at: new Date() } }, { upsert: true });
  for (const page of pages) {
    if (page.snapshot) for (const key of page.keys) await collection.updateOne({ _id: `${appId}:hp:${page.widthClass}:${key}` }, { $set: { appId, ...page.snapshot } }, { upsert: true });
    const inc: Record<string, number> = { v: page.views, n: page.clicks };
    for (const [cell, count] of Object.entries(page.cells)) inc[`c${cell}`] = count;
    for (const [band, count] of Object.entries(page.deepest)) inc[`s${band}`] = count;
    for (const key of page.keys) {
      for (const period of periods) {
        for (const width of [page.widthClass, 'all']) await collection.updateOne({ _id: `${appId}:hb:${period}:${width}:${key}` }, { $inc: inc, $set: { appId } }, { upsert: true });
      }
    }
  }
}

const page = fc.record({
  path: fc.constantFrom(...PATHS),
  widthClass: fc.constantFrom(...WIDTH_CLASSES),
  clicks: fc.array(fc.tuple(fc.integer({ min: 0, max: HEATMAP_COLUMNS - 1 }), fc.integer({ min: 0, max: 624 })), { maxLength: 8 }),
  band: fc.integer({ min: 0, max: 199 }),
  snapshot: fc.boolean(),
});
const sessions = fc.array(fc.record({ day: fc.constantFrom(...DAYS), pages: fc.uniqueArray(page, { minLength: 1, maxLength: 3, selector: (p) => `${p.path} ${p.widthClass}` }) }), { minLength: 1, maxLength: 12 });

type Generated = typeof sessions extends fc.Arbitrary<infer T> ? T : never;

/** Contributions as the heatmaps service makes them (the previous layout kept the snapshot written last, today's the newest recorded). */
function contributionsOf(appId: string, generated: Generated): HeatmapContribution[] {
  let ts = 0;
  // Written in the order recorded, as sessions complete: the last written is the newest.
  return [...generated].sort((a, b) => a.day.localeCompare(b.day)).map(({ day, pages }, i) => ({
    appId,
    sessionId: `s${i}`,
    periods: periodsOfDay(day),
    pages: pages.map(({ path, widthClass, clicks, band, snapshot }) => {
      const cells: Record<string, number> = {};
      for (const [column, row] of clicks) cells[`${column}_${row}`] = (cells[`${column}_${row}`] ?? 0) + 1;
      ts += 1;
      const at = Date.parse(`${day}T12:00:00Z`) + ts;
      return { keys: heatmapKeysOf(path), widthClass, views: 1, cells, clicks: clicks.length, deepest: { [band]: 1 }, snapshot: snapshot ? { sessionId: `s${i}`, firstSeq: 1, lastSeq: ts, ts: at, href: `https://shop.example${path}`, width: 1280, height: 700 } : null };
    }),
  }));
}

/** Counts compared whatever their order; snapshots only where the range covers every day (the previous layout kept one, not one per period). */
const comparable = ({ cells, snapshots, ...rest }: HeatmapTotals, withSnapshots: boolean) => ({ ...rest, cells: [...cells].sort(), snapshots: withSnapshots ? [...snapshots].sort() : [] });

describe.each(CONTRACT_ENGINES)('heatmaps of the previous layout on $name', (engineKind) => {
  let engine: RunningEngine;
  let client: MongoClient;
  let databases = 0;
  beforeAll(async () => {
    engine = await engineKind.start();
    client = await MongoClient.connect(engine.uri);
  }, 120_000);
  afterAll(async () => {
    await client?.close();
    await engine?.stop();
  });

  /** Every key, range and width: the migrated application answers as the one written today. */
  async function expectSameAnswers(db: Storage, migrated: string, written: string) {
    for (const key of new Set(PATHS.flatMap((path) => heatmapKeysOf(path)))) {
      for (const [from, to] of RANGES) {
        for (const widths of [WIDTH_CLASSES, ...WIDTH_CLASSES.map((width) => [width])] as WidthClass[][]) {
          const periods = periodsCovering(from, to);
          const everyDay = from === RANGES[0][0] && to === RANGES[0][1];
          expect(comparable(await db.heatmaps.read(migrated, key, periods, widths), everyDay), `${key} ${from}..${to} ${widths}`).toEqual(comparable(await db.heatmaps.read(written, key, periods, widths), everyDay));
        }
      }
    }
  }

  /** A database whose application `migrated` holds the sessions in the previous layout, opened (so migrated); `written` gets the same sessions through today's `add`. */
  async function openPrevious(generated: Generated, before: (db: Storage, collection: Collection<Doc>, migrated: string) => Promise<void> = async () => {}) {
    const dbName = `heatmaps_previous_${process.pid}_${++databases}`;
    const collection = client.db(dbName).collection<Doc>('heatmaps');
    const migrated = new Types.ObjectId().toHexString();
    for (const contribution of contributionsOf(migrated, generated)) await addPreviousLayout(collection, contribution);
    const db = await openContractDatabase(engine, dbName);
    await before(db, collection, migrated);
    const written = new Types.ObjectId().toHexString();
    for (const contribution of contributionsOf(written, generated)) await db.heatmaps.add(contribution);
    return { db, collection, migrated, written };
  }

  it('migrates when the database opens: the same answers as today’s layout, claims kept, nothing of the old layout left', async () => {
    await fc.assert(
      fc.asyncProperty(sessions, async (generated) => {
        const { db, collection, migrated, written } = await openPrevious(generated);
        try {
          await expectSameAnswers(db, migrated, written);
          expect(await collection.countDocuments({ _id: { $regex: ':h[bp]:' } })).toBe(0);
          // A session counted under the previous layout is not counted again.
          expect(await db.heatmaps.add(contributionsOf(migrated, generated)[0])).toBe(false);
        } finally {
          await db.close();
        }
      }),
      { numRuns: 6 },
    );
  }, 300_000);

  it('a migration cut short after writing and before deleting, run again, counts nothing twice', async () => {
    const generated = fc.sample(sessions, { numRuns: 1, seed: 22 })[0];
    const { db, migrated, written } = await openPrevious(generated, async (_, collection, migrated) => {
      // The old documents back, as if the first run had died before deleting them.
      for (const contribution of contributionsOf(migrated, generated)) await addPreviousLayout(collection, contribution);
      expect(await convertPreviousLayout(collection)).toBeGreaterThan(0);
    });
    try {
      await expectSameAnswers(db, migrated, written);
    } finally {
      await db.close();
    }
  }, 120_000);
});
