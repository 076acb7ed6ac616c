import type { Connection } from 'mongoose';
import { activityCounters } from '../activity-counters.js';
import type { ImplementationParts } from '../implementation-parts.js';
import type { IngestTuning } from '../ingest-pipeline.js';
import { insightsStore } from '../insights-store.js';
import type { SharedInternals } from '../internals.js';
import type { Models } from '../models.js';
import { repositoriesOf } from '../repositories-of.js';
import { teamQueries } from '../team-queries.js';
import { nativeActivityStore } from './native-activity.js';
import { NATIVE_INDEXES } from './native-indexes.js';
import { ensureNativeLayout, nativeBulkLoader } from './native-layout.js';
import { nativeWriteHooks } from './native-hooks.js';
import { nativeReads } from './native-reads.js';

/** The counters and chart buckets (../activity-counters.ts), and the layout marker. */
const COUNTERS_COLLECTION = 'counters';

/**
 * The MongoDB-native implementation of the port: the shared documents and writes, the indexes its
 * queries need, and nothing kept in memory — any number of server processes write at once.
 */
export async function nativeStorage(connection: Connection, models: Models, log: (line: string) => void, tuning: IngestTuning = {}): Promise<{ parts: ImplementationParts; internals: SharedInternals }> {
  const db = connection.db!;
  const failed = (collection: string) => (error: Error) => log(`index creation failed for ${collection}: ${error.message}`);
  await Promise.all(NATIVE_INDEXES.map(({ collection, key, options }) => db.collection(collection).createIndex(key, options).catch(failed(collection))));
  const countersCollection = db.collection(COUNTERS_COLLECTION);
  await ensureNativeLayout(models, countersCollection, log);
  const counters = activityCounters(countersCollection);
  const hooks = nativeWriteHooks(models);
  const reads = nativeReads(models);
  const { repos, pipeline } = repositoriesOf(models, counters, hooks, reads, tuning);
  const parts: ImplementationParts = {
    repos,
    activity: pipeline.countersFlushed(nativeActivityStore(models, counters)),
    insights: insightsStore(models, hooks),
    team: teamQueries(models),
    bulk: nativeBulkLoader(models, countersCollection),
    ingest: pipeline.control,
    close: () => pipeline.close(),
  };
  return { parts, internals: { models, counters: countersCollection, ingestSeams: pipeline.seams } };
}
