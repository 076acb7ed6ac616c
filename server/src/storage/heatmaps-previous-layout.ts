import { Binary, type Collection, type Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { WIDTH_CLASSES, type WidthClass } from '../protocol/heatmaps.js';
import { dayKey } from '../protocol/utc-buckets.js';
import { periodsOfDay } from '../heatmaps/heatmap-periods.js';
import { encodeCounts } from './heatmap-counts-codec.js';
import { bandIndexOf, cellIndexOf, GRID_CELLS, heatmapDocId, heatmapsCollection, SCROLL_BANDS, snapshotOf, type StoredWidth } from './heatmaps.js';
import { migrateOnce } from './migration-lease.js';

/** The marker (in collection `heatmaps`) that says which layout its documents have. */
const LAYOUT_MARKER = 'heatmaps-layout';
const LAYOUT_VERSION = 2;
const DOCS_PER_STEP = 20;
/** The previous layout's `_id`s: `<appId>:hb:<period>:<width or all>:<key>` (counts, one field per cell and band) and `<appId>:hp:<width>:<key>` (snapshots). */
const PREVIOUS_ID = /^([^:]+):(hb|hp):(.*)$/;

/**
 * Brings a database written by the previous heatmap layout to this one, once, before the server
 * listens (a lease decides which process when several start at once). It migrates, not rebuilds: the
 * recordings the counts came from may be gone (retention, erasure), the counts are not.
 *
 * A previous bucket of one width class becomes the new document of the same period, width and key
 * (each cell field and band field into the binary counts); the every-width buckets are dropped (the
 * new layout adds the width classes when it reads); a previous snapshot (one per key and width, the
 * latest) goes into the documents of its day, week and month. Session claims (`hs:`) stay as they are,
 * so a session counted before is not counted again. Each step writes what it converted (a whole
 * document set, not an addition) before it deletes the old one: a migration cut short and run again
 * converts what is left and never counts anything twice.
 */
export async function migrateHeatmapsLayout(connection: Connection, log: (line: string) => void = () => {}): Promise<void> {
  const collection = heatmapsCollection(connection);
  await migrateOnce(collection as unknown as Collection, LAYOUT_MARKER, LAYOUT_VERSION, async () => {
    const converted = await convertPreviousLayout(collection);
    if (converted > 0) log(`heatmaps: ${converted} documents of the previous layout migrated`);
  });
}

/** Converts every previous-layout document there is (counts first, then snapshots); answers how many. */
export async function convertPreviousLayout(collection: Collection<Document & { _id: string }>): Promise<number> {
  const ids = (await collection.find({ _id: { $regex: ':h[bp]:' } } as never, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id).filter((id) => PREVIOUS_ID.test(id));
  // Counts before snapshots: a count document is written whole, which would drop a snapshot set into it first.
  for (const phase of [ids.filter((id) => id.includes(':hb:')), ids.filter((id) => id.includes(':hp:'))]) {
    for (let i = 0; i < phase.length; i += DOCS_PER_STEP) {
      const docs = await collection.find({ _id: { $in: phase.slice(i, i + DOCS_PER_STEP) } }).toArray();
      // A step's documents at once: each one's conversion is written before it is deleted, and within a phase no two write the same document.
      await Promise.all(
        docs.map(async (doc) => {
          await convertOne(collection, doc);
          await collection.deleteOne({ _id: doc._id });
        }),
      );
    }
  }
  return ids.length;
}

async function convertOne(collection: Collection<Document & { _id: string }>, doc: Document & { _id: string }) {
  const [, appId, kind, rest] = PREVIOUS_ID.exec(doc._id)!;
  if (kind === 'hb') {
    // <period>:<width>:<key>; a period and a width hold no `:`, a key may.
    const [period, width] = rest.split(':', 2);
    const key = rest.slice(period.length + width.length + 2);
    if (!isWidthClass(width)) return; // `all`: the sum of the others, added when read
    await collection.replaceOne({ _id: heatmapDocId(appId, period, width, key) }, { appId, r: 1, [width]: countsOf(doc) }, { upsert: true });
    return;
  }
  const width = rest.slice(0, rest.indexOf(':'));
  const key = rest.slice(width.length + 1);
  const snapshot = snapshotOf(doc);
  if (!isWidthClass(width) || !snapshot) return;
  let placed = 0;
  for (const period of periodsOfDay(dayKey(new Date(snapshot.ts)))) {
    placed += (await collection.updateOne({ _id: heatmapDocId(appId, period, width, key) }, { $set: { [`${width}.p`]: snapshot } })).matchedCount;
  }
  // Its day counted nothing for the key (a session that began before midnight): a document of its own.
  if (placed === 0) await collection.replaceOne({ _id: heatmapDocId(appId, `d${dayKey(new Date(snapshot.ts))}`, width, key) }, { appId, r: 1, [width]: { v: 0, n: 0, c: new Binary(new Uint8Array(0)), s: new Binary(new Uint8Array(0)), p: snapshot } }, { upsert: true });
}

/** A previous bucket's counts: `v`, `n`, a field `c<column>_<row>` per cell and `s<band>` per band. */
function countsOf(doc: Document): StoredWidth {
  const cells = new Float64Array(GRID_CELLS);
  const bands = new Float64Array(SCROLL_BANDS);
  for (const [field, value] of Object.entries(doc)) {
    if (typeof value !== 'number' || !(value > 0)) continue;
    const index = field.startsWith('c') ? cellIndexOf(field.slice(1)) : field.startsWith('s') ? bandIndexOf(field.slice(1)) : null;
    if (index !== null) (field.startsWith('c') ? cells : bands)[index] += value;
  }
  return { v: Number(doc.v) || 0, n: Number(doc.n) || 0, c: new Binary(encodeCounts(cells)), s: new Binary(encodeCounts(bands)) };
}

const isWidthClass = (width: string): width is WidthClass => (WIDTH_CLASSES as readonly string[]).includes(width);
