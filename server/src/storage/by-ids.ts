import { isValidObjectId, type Model } from 'mongoose';

/** Ids per query: FerretDB's `$in` pushdown (server/ferretdb/patches) takes up to 1,000. */
const IDS_PER_QUERY = 500;

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
