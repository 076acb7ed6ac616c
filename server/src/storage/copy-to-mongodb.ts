import { MongoBulkWriteError, MongoClient, type Document } from 'mongodb';
import type { Storage } from './ports.js';

/**
 * Copies what a Chatreel database holds into a MongoDB database, for moving from the embedded engine
 * to MongoDB: every document of the collections every implementation stores, as it is stored. The
 * embedded read model's own collections are left behind — the MongoDB-native implementation derives
 * what it needs (search fields, counters) from the documents once, when a server first opens the copy.
 * Documents already in the target are kept as they are (run it again after an interruption).
 */
export const COPIED_COLLECTIONS = ['apps', 'users', 'logins', 'instance', 'visitors', 'sessions', 'messages', 'chunks', 'recording_layouts', 'recording_segments', 'ai_usage', 'font_files', 'font_usage', 'api_tokens', 'webhook_endpoints', 'webhook_deliveries', 'webhook_queue', 'heatmaps'] as const;
/** Documents written per command; chunks can be up to a megabyte each. */
const BATCH_DOCUMENTS = 200;

export async function copyToMongodb(source: Storage, targetUri: string, progress: (line: string) => void = () => {}): Promise<Record<string, number>> {
  const client = await MongoClient.connect(targetUri);
  const copied: Record<string, number> = {};
  try {
    const db = client.db();
    let batch: Array<{ collection: string; document: Document }> = [];
    const flush = async () => {
      const byCollection = new Map<string, Document[]>();
      for (const { collection, document } of batch) byCollection.set(collection, [...(byCollection.get(collection) ?? []), document]);
      for (const [collection, documents] of byCollection) {
        try {
          await db.collection(collection).insertMany(documents, { ordered: false });
        } catch (error) {
          // A document copied before (an earlier run) is kept; anything else stops the copy.
          const duplicatesOnly = error instanceof MongoBulkWriteError && [error.writeErrors].flat().every((write) => write.code === 11000);
          if (!duplicatesOnly) throw error;
        }
      }
      batch = [];
    };
    for await (const { collection, document } of source.documents(COPIED_COLLECTIONS)) {
      batch.push({ collection, document });
      copied[collection] = (copied[collection] ?? 0) + 1;
      if (batch.length >= BATCH_DOCUMENTS) await flush();
      if (copied[collection] % 10_000 === 0) progress(`${collection}: ${copied[collection]} documents`);
    }
    await flush();
    return copied;
  } finally {
    await client.close();
  }
}
