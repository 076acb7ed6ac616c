import type { Collection, Document, Filter } from 'mongodb';
import { isValidObjectId, type Model } from 'mongoose';

/** Ids per query: FerretDB's `$in` pushdown (server/ferretdb/patches) takes up to 1,000. */
export const IDS_PER_QUERY = 500;

/**
 * Documents by `_id`, keyed by id: one `{_id: {$in}}` query per IDS_PER_QUERY ids. On the embedded
 * FerretDB this reads through the `_id` index (patched), one round trip for a page of rows instead of
 * one per row; on MongoDB it is the usual indexed `$in`. Ids that are not ObjectIds are skipped.
 */
export async function byIds<T extends { _id: unknown }>(Collection: Model<any>, ids: string[]): Promise<Map<string, T>> {
  const valid = [...new Set(ids.filter((id) => isValidObjectId(id)))];
  const found = new Map<string, T>();
  for (let i = 0; i < valid.length; i += IDS_PER_QUERY) {
    const docs = await Collection.find({ _id: { $in: valid.slice(i, i + IDS_PER_QUERY) } }).lean<T[]>();
    for (const doc of docs) found.set(String(doc._id), doc);
  }
  return found;
}

/** Documents deleted per statement: FerretDB binds one SQL variable per document it deletes. */
const DELETE_BATCH = 500;

/**
 * `deleteMany(filter)` that works at any size: FerretDB 1.x deletes every document a filter matched
 * in one SQL statement with a variable per document, which fails past SQLite's limit of 32,766 (a
 * large application's index, a long session's chunks). The matches are listed, then deleted by
 * `_id` a batch at a time. Returns how many were deleted.
 */
export async function deleteMatching(collection: Collection, filter: Filter<Document>): Promise<number> {
  const ids = (await collection.find(filter, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
  let deleted = 0;
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    deleted += (await collection.deleteMany({ _id: { $in: ids.slice(i, i + DELETE_BATCH) } })).deletedCount;
  }
  return deleted;
}
