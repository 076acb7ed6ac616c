import type { Collection } from 'mongodb';
import { IDS_PER_QUERY } from '../by-ids.js';

interface Waiting {
  resolve: (doc: Record<string, unknown> | null) => void;
  reject: (error: unknown) => void;
}

/**
 * `read(id)` of documents keyed by string `_id`, where the reads asked for in one turn of the event
 * loop go out together as one `{_id: {$in}}` query. Each query to the embedded database costs a few
 * milliseconds of overhead whatever it reads, so a list head and its pages, or the heads of every
 * trigram of a search, cost one round trip instead of one each. `asId`: the stored `_id` of a key
 * (an ObjectId for rows).
 */
export function batchedReads<T>(collection: Collection, asId: (id: string) => unknown = (id) => id) {
  let waiting: Map<string, Waiting[]> | null = null;

  async function flush(batch: Map<string, Waiting[]>): Promise<void> {
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      try {
        const filter = chunk.length === 1 ? { _id: asId(chunk[0]) } : { _id: { $in: chunk.map(asId) } };
        const found = new Map((await collection.find(filter as never).toArray()).map((doc) => [String(doc._id), doc]));
        for (const id of chunk) for (const { resolve } of batch.get(id)!) resolve((found.get(id) as never) ?? null);
      } catch (error) {
        for (const id of chunk) for (const { reject } of batch.get(id)!) reject(error);
      }
    }
  }

  return function read(id: string): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      if (!waiting) {
        const batch = (waiting = new Map());
        setImmediate(() => {
          waiting = null;
          void flush(batch);
        });
      }
      const forId = waiting.get(id) ?? [];
      forId.push({ resolve: resolve as Waiting['resolve'], reject });
      waiting.set(id, forId);
    });
  };
}
