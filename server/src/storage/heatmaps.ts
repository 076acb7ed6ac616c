import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import type { HeatmapSnapshot, WidthClass, WidthFilter } from '../protocol/heatmaps.js';
import type { HeatmapBucket, HeatmapsRepository } from './heatmaps-repository.js';

/** Updates per bulk write: FerretDB 1.x hangs on an update command of 100 statements or more. */
const UPDATES_PER_WRITE = 25;
const DUPLICATE_KEY = 11000;
/** Buckets per read when a heatmap reads several (they are read in parallel). */
const IDS_PER_READ = 3;
const CELL = 'c';
const BAND = 's';

// Every `_id` starts `<appId>:`, so erasing an application (app-erasure.ts) takes its heatmaps too.
const bucketId = (appId: string, period: string, width: WidthFilter, key: string) => `${appId}:hb:${period}:${width}:${key}`;
const snapshotId = (appId: string, width: WidthClass, key: string) => `${appId}:hp:${width}:${key}`;
const claimId = (appId: string, sessionId: string) => `${appId}:hs:${sessionId}`;

/** The heatmaps' documents in collection `heatmaps`, the same on every implementation (heatmaps-repository.ts). */
export function mongooseHeatmaps(connection: Connection): HeatmapsRepository {
  const collection = () => connection.db!.collection('heatmaps') as unknown as Collection<Document & { _id: string }>;
  return {
    async add({ appId, sessionId, periods, pages }) {
      try {
        await collection().insertOne({ _id: claimId(appId, sessionId), appId, at: new Date() });
      } catch (error) {
        if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw error;
      }
      // Snapshots first: a page's counts are never read before the page can be shown.
      const writes: AnyBulkWriteOperation<Document & { _id: string }>[] = pages.flatMap((page) =>
        page.snapshot ? page.keys.map((key) => ({ updateOne: { filter: { _id: snapshotId(appId, page.widthClass, key) }, update: { $set: { appId, ...page.snapshot } }, upsert: true } })) : [],
      );
      for (const page of pages) {
        const inc: Record<string, number> = { v: page.views, n: page.clicks };
        for (const [cell, count] of Object.entries(page.cells)) inc[`${CELL}${cell}`] = count;
        for (const [band, count] of Object.entries(page.deepest)) inc[`${BAND}${band}`] = count;
        for (const key of page.keys) {
          // Each width class, and every width together: a query of all devices reads one bucket, not three.
          for (const period of periods) {
            for (const width of [page.widthClass, 'all'] as const) writes.push({ updateOne: { filter: { _id: bucketId(appId, period, width, key) }, update: { $inc: inc, $set: { appId } }, upsert: true } });
          }
        }
      }
      for (let i = 0; i < writes.length; i += UPDATES_PER_WRITE) await collection().bulkWrite(writes.slice(i, i + UPDATES_PER_WRITE), { ordered: false });
      return true;
    },
    async buckets(appId, key, periods, width) {
      const ids = periods.map((period) => bucketId(appId, period, width, key));
      // A few reads at once: a bucket costs its fields to decode, and the engine decodes reads in parallel.
      const groups = Array.from({ length: Math.ceil(ids.length / IDS_PER_READ) }, (_, i) => ids.slice(i * IDS_PER_READ, (i + 1) * IDS_PER_READ));
      const docs = await Promise.all(groups.map((group) => collection().find({ _id: { $in: group } }).toArray()));
      return docs.flat().map(bucketOf);
    },
    async snapshots(appId, key, widths) {
      const docs = await collection()
        .find({ _id: { $in: widths.map((width) => snapshotId(appId, width, key)) } })
        .toArray();
      const found = new Map<WidthClass, HeatmapSnapshot>();
      for (const width of widths) {
        const doc = docs.find((candidate) => candidate._id === snapshotId(appId, width, key));
        if (doc) found.set(width, { sessionId: String(doc.sessionId), firstSeq: Number(doc.firstSeq), lastSeq: Number(doc.lastSeq), ts: Number(doc.ts), href: String(doc.href), width: Number(doc.width), height: Number(doc.height) });
      }
      return found;
    },
  };
}

function bucketOf(doc: Document): HeatmapBucket {
  const bucket: HeatmapBucket = { views: Number(doc.v) || 0, clicks: Number(doc.n) || 0, cells: {}, deepest: {} };
  for (const [field, value] of Object.entries(doc)) {
    if (typeof value !== 'number') continue;
    if (field.startsWith(CELL)) bucket.cells[field.slice(CELL.length)] = value;
    else if (field.startsWith(BAND)) bucket.deepest[field.slice(BAND.length)] = value;
  }
  return bucket;
}
