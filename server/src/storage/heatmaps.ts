import { Binary, type Collection, type Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { WIDTH_CLASSES, type HeatmapSnapshot, type WidthClass } from '../protocol/heatmaps.js';
import { HEATMAP_COLUMNS, HEATMAP_ROW_PX, HEATMAP_SCROLL_BAND_PX, MAX_HEATMAP_DEPTH_PX } from '../protocol/limits.js';
import { addCounts, encodeCounts } from './heatmap-counts-codec.js';
import type { HeatmapContribution, HeatmapsRepository, HeatmapTotals } from './heatmaps-repository.js';

const DUPLICATE_KEY = 11000;
/** Documents per read when a heatmap reads several (the groups are read in parallel). */
const IDS_PER_READ = 8;
/** Compare-and-set writes of one session in flight at once. */
const WRITES_AT_ONCE = 24;
/**
 * Rounds of compare-and-set before a session's remaining counts are given up (each round re-reads what
 * another writer changed, and every round some writer of each document wins): far more than the
 * sessions the insights of a few nodes analyse at once, with a jittered pause up to MAX_BACKOFF_MS.
 */
const MAX_CAS_ROUNDS = 100;
const MAX_BACKOFF_MS = 100;
/** Cells of the grid (row-major, `row * HEATMAP_COLUMNS + column`) and scroll bands: the bounds of every document's counts. */
const GRID_ROWS = Math.ceil(MAX_HEATMAP_DEPTH_PX / HEATMAP_ROW_PX);
export const GRID_CELLS = HEATMAP_COLUMNS * GRID_ROWS;
export const SCROLL_BANDS = Math.ceil(MAX_HEATMAP_DEPTH_PX / HEATMAP_SCROLL_BAND_PX);

// Every `_id` starts `<appId>:`, so erasing an application (app-erasure.ts) takes its heatmaps too.
export const heatmapDocId = (appId: string, period: string, width: WidthClass, key: string) => `${appId}:hm:${period}:${width}:${key}`;
export const heatmapClaimId = (appId: string, sessionId: string) => `${appId}:hs:${sessionId}`;

/**
 * One width class's counts in a heatmap document: views `v`, clicks `n`, cells `c` and deepest bands
 * `s` as binary counts (heatmap-counts-codec.ts), and the newest snapshot `p`. A document holds one
 * period of one key, its width classes side by side, and a revision `r` every write is conditional on.
 */
export interface StoredWidth {
  v: number;
  n: number;
  c: Binary;
  s: Binary;
  p?: HeatmapSnapshot;
}

/** What a session (or a migrated document) adds to one width class of one document. */
export interface WidthAddition {
  views: number;
  clicks: number;
  /** Cell index → clicks. */
  cells: Map<number, number>;
  /** Band → views. */
  deepest: Map<number, number>;
  snapshot: HeatmapSnapshot | null;
}

type HeatmapDoc = Document & { _id: string };
export const heatmapsCollection = (connection: Connection) => connection.db!.collection('heatmaps') as unknown as Collection<HeatmapDoc>;

/** The heatmaps' documents in collection `heatmaps`, the same on every implementation (heatmaps-repository.ts). */
export function mongooseHeatmaps(connection: Connection): HeatmapsRepository {
  const collection = () => heatmapsCollection(connection);
  return {
    async add({ appId, sessionId, periods, pages }) {
      // One write per document however many of the session's pages share it (`/*` holds them all).
      const additions = new Map<string, Map<WidthClass, WidthAddition>>();
      for (const page of pages) {
        for (const key of page.keys) {
          for (const period of periods) {
            const id = heatmapDocId(appId, period, page.widthClass, key);
            const widths = additions.get(id) ?? additions.set(id, new Map()).get(id)!;
            const addition = widths.get(page.widthClass) ?? widths.set(page.widthClass, emptyAddition()).get(page.widthClass)!;
            addition.views += page.views;
            addition.clicks += page.clicks;
            for (const [cell, count] of Object.entries(page.cells)) addTo(addition.cells, cellIndexOf(cell), count);
            for (const [band, count] of Object.entries(page.deepest)) addTo(addition.deepest, bandIndexOf(band), count);
            if (page.snapshot && (!addition.snapshot || page.snapshot.ts > addition.snapshot.ts)) addition.snapshot = page.snapshot;
          }
        }
      }
      const claim = collection()
        .insertOne({ _id: heatmapClaimId(appId, sessionId), appId, at: new Date() })
        .then(
          () => true,
          (error: { code?: unknown }) => {
            if (error.code === DUPLICATE_KEY) return false;
            throw error;
          },
        );
      // The documents are read while the claim is written (a read changes nothing; a stale one only fails its compare-and-set).
      const [claimed, stored] = await Promise.all([claim, documentsOf(collection(), [...additions.keys()])]);
      if (!claimed) return false;
      await addToDocuments(collection(), appId, additions, stored);
      return true;
    },
    async read(appId, key, periods, widths) {
      const ids = [...new Set(periods)].flatMap((period) => widths.map((width) => heatmapDocId(appId, period, width, key)));
      const projection = Object.fromEntries(widths.map((width) => [width, 1]));
      const groups = Array.from({ length: Math.ceil(ids.length / IDS_PER_READ) }, (_, i) => ids.slice(i * IDS_PER_READ, (i + 1) * IDS_PER_READ));
      const docs = (await Promise.all(groups.map((group) => collection().find({ _id: { $in: group } }, { projection }).toArray()))).flat();
      return totalsOf(docs, widths);
    },
    async forgetSnapshots(appId, sessionIds) {
      if (sessionIds.length === 0) return 0;
      let changed = 0;
      // One width class a pass: its snapshot is `<width>.p`. Not indexed: an erasure is rare, and it reads only the application's documents.
      for (const width of WIDTH_CLASSES) {
        const result = await collection().updateMany(
          { appId, [`${width}.p.sessionId`]: { $in: [...sessionIds] } },
          { $unset: { [`${width}.p`]: '' }, $inc: { r: 1 } },
        );
        changed += result.modifiedCount;
      }
      return changed;
    },
  };
}

/**
 * Adds to each document by compare-and-set on its revision: read, add in memory, then update only if
 * the revision is still the one read, or insert when there was no document; one that another writer
 * changed or created meanwhile is read again and retried, the others are done. Each document gets the
 * additions once. (Not one bulk write of upserts filtered on the revision: FerretDB 1.24 stops an
 * unordered update command at its first failed statement, neither applying nor reporting the ones
 * after it, so which of them to retry cannot be told; nor was it faster there, measured.)
 */
export async function addToDocuments(collection: Collection<HeatmapDoc>, appId: string, additions: Map<string, Map<WidthClass, WidthAddition>>, firstRead?: Map<string, HeatmapDoc>): Promise<void> {
  let pending = [...additions.keys()];
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_CAS_ROUNDS) throw new Error(`heatmap counts: ${pending.length} documents still contended after ${MAX_CAS_ROUNDS} rounds`);
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** round)));
    const stored = round === 0 && firstRead ? firstRead : await documentsOf(collection, pending);
    const failed: string[] = [];
    for (let i = 0; i < pending.length; i += WRITES_AT_ONCE) {
      const slice = pending.slice(i, i + WRITES_AT_ONCE);
      const done = await Promise.all(slice.map((id) => writeOnce(collection, appId, id, stored.get(id), additions.get(id)!)));
      failed.push(...slice.filter((_, j) => !done[j]));
    }
    pending = failed;
  }
}

async function documentsOf(collection: Collection<HeatmapDoc>, ids: string[]): Promise<Map<string, HeatmapDoc>> {
  return new Map((await collection.find({ _id: { $in: ids } }).toArray()).map((doc) => [doc._id, doc]));
}

async function writeOnce(collection: Collection<HeatmapDoc>, appId: string, id: string, doc: HeatmapDoc | undefined, widths: Map<WidthClass, WidthAddition>): Promise<boolean> {
  const set: Record<string, StoredWidth> = {};
  for (const [width, addition] of widths) set[width] = merged(doc?.[width] as StoredWidth | undefined, addition);
  if (!doc) {
    try {
      await collection.insertOne({ _id: id, appId, r: 1, ...set });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false; // another writer created it first
      throw error;
    }
  }
  const revision = Number(doc.r) || 0;
  const result = await collection.updateOne({ _id: id, r: revision }, { $set: { ...set, r: revision + 1 } });
  return result.matchedCount === 1;
}

function merged(stored: StoredWidth | undefined, addition: WidthAddition): StoredWidth {
  const cells = new Float64Array(GRID_CELLS);
  const deepest = new Float64Array(SCROLL_BANDS);
  if (stored) {
    addCounts(bytesOf(stored.c), cells);
    addCounts(bytesOf(stored.s), deepest);
  }
  for (const [cell, count] of addition.cells) cells[cell] += count;
  for (const [band, count] of addition.deepest) deepest[band] += count;
  const snapshot = [stored && snapshotOf(stored.p), addition.snapshot].reduce<HeatmapSnapshot | null>((newest, candidate) => (candidate && (!newest || candidate.ts > newest.ts) ? candidate : newest), null);
  return {
    v: (Number(stored?.v) || 0) + addition.views,
    n: (Number(stored?.n) || 0) + addition.clicks,
    c: new Binary(encodeCounts(cells)),
    s: new Binary(encodeCounts(deepest)),
    ...(snapshot ? { p: snapshot } : {}),
  };
}

function totalsOf(docs: readonly Document[], widths: readonly WidthClass[]): HeatmapTotals {
  const cells = new Float64Array(GRID_CELLS);
  const deepestByBand = new Float64Array(SCROLL_BANDS);
  const snapshots = new Map<WidthClass, HeatmapSnapshot>();
  let views = 0;
  let clicks = 0;
  for (const doc of docs) {
    for (const width of widths) {
      const stored = doc[width] as StoredWidth | undefined;
      if (!stored || typeof stored !== 'object') continue;
      views += Number(stored.v) || 0;
      clicks += Number(stored.n) || 0;
      addCounts(bytesOf(stored.c), cells);
      addCounts(bytesOf(stored.s), deepestByBand);
      const snapshot = snapshotOf(stored.p);
      const newest = snapshots.get(width);
      if (snapshot && (!newest || snapshot.ts > newest.ts)) snapshots.set(width, snapshot);
    }
  }
  const triples: Array<[number, number, number]> = [];
  for (let i = 0; i < GRID_CELLS; i++) if (cells[i] > 0) triples.push([i % HEATMAP_COLUMNS, Math.floor(i / HEATMAP_COLUMNS), cells[i]]);
  let last = SCROLL_BANDS - 1;
  while (last >= 0 && deepestByBand[last] === 0) last--;
  return { views, clicks, cells: triples, deepest: Array.from(deepestByBand.subarray(0, last + 1)), snapshots };
}

export const emptyAddition = (): WidthAddition => ({ views: 0, clicks: 0, cells: new Map(), deepest: new Map(), snapshot: null });

export function addTo(counts: Map<number, number>, index: number | null, count: number) {
  if (index !== null && Number.isFinite(count) && count > 0) counts.set(index, (counts.get(index) ?? 0) + count);
}

/** `<column>_<row>` → the cell's index, or null outside the grid. */
export function cellIndexOf(cell: string): number | null {
  const [column, row] = cell.split('_').map(Number);
  if (!Number.isInteger(column) || !Number.isInteger(row) || column < 0 || column >= HEATMAP_COLUMNS || row < 0 || row >= GRID_ROWS) return null;
  return row * HEATMAP_COLUMNS + column;
}

export function bandIndexOf(band: string): number | null {
  const index = Number(band);
  return Number.isInteger(index) && index >= 0 && index < SCROLL_BANDS ? index : null;
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Binary) return value.buffer.subarray(0, value.position);
  return value instanceof Uint8Array ? value : new Uint8Array(0);
}

export function snapshotOf(value: unknown): HeatmapSnapshot | null {
  if (!value || typeof value !== 'object') return null;
  const doc = value as Record<string, unknown>;
  if (typeof doc.sessionId !== 'string' || typeof doc.href !== 'string') return null;
  return { sessionId: doc.sessionId, firstSeq: Number(doc.firstSeq), lastSeq: Number(doc.lastSeq), ts: Number(doc.ts), href: doc.href, width: Number(doc.width), height: Number(doc.height) };
}
