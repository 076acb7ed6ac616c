import type { Connection } from 'mongoose';
import { activityCounters } from '../activity-counters.js';
import { insightsStore } from '../insights-store.js';
import type { ImplementationParts } from '../implementation-parts.js';
import type { IngestTuning } from '../ingest-pipeline.js';
import type { SharedInternals } from '../internals.js';
import type { Models } from '../models.js';
import { repositoriesOf } from '../repositories-of.js';
import { teamQueries } from '../team-queries.js';
import { embeddedActivityStore } from './activity-store.js';
import { conversationLists } from './conversation-lists.js';
import { embeddedBulkLoader } from './bulk-loader.js';
import { bindEmbeddedModels, type EmbeddedModels } from './embedded-models.js';
import { embeddedReads } from './embedded-reads.js';
import { messagePages } from './message-pages.js';
import { pagedLists } from './paged-list.js';
import { ensureReadModel } from './migration.js';
import { readModelWriter, type ReadModelWriter } from './read-model.js';

/** What tests inside storage/ may reach behind the port (../internals.ts). */
export interface EmbeddedInternals extends SharedInternals {
  models: Models & EmbeddedModels;
  readModel: ReadModelWriter;
}

/**
 * The embedded read model's implementation of the port (read-model-keys.ts says why it exists): the
 * shared documents and writes, plus the `_id`-keyed lists, sets, counters and pages it keeps beside
 * them, migrated to the current layout once before anything is served.
 */
export async function embeddedStorage(connection: Connection, models: Models, log: (line: string) => void, tuning: IngestTuning = {}): Promise<{ parts: ImplementationParts; internals: EmbeddedInternals }> {
  const all = { ...models, ...bindEmbeddedModels(connection) };
  await ensureReadModel(all, log);
  const pages = messagePages(all.MessagePages);
  const reads = embeddedReads(all, pages);
  const conversations = conversationLists(all, pagedLists(all.ReadModel.collection));
  const hooks = readModelWriter(all, pages, reads, conversations);
  const counters = activityCounters(all.ReadModel.collection);
  const { repos, pipeline } = repositoriesOf(all, counters, hooks, { ...reads, conversations: { ...reads.conversations, ...conversations.reads } }, tuning);
  const parts: ImplementationParts = {
    repos,
    activity: pipeline.countersFlushed(embeddedActivityStore(all, all.ReadModel.collection, counters)),
    insights: insightsStore(all, hooks),
    team: teamQueries(all),
    bulk: embeddedBulkLoader(all, async (appId) => {
      await hooks.flush();
      hooks.forgetPending(appId);
    }),
    ingest: pipeline.control,
    close: async () => {
      await pipeline.close();
      await hooks.flush();
    },
    settle: () => hooks.flush(),
  };
  return { parts, internals: { models: all, counters: all.ReadModel.collection, readModel: hooks, ingestSeams: pipeline.seams } };
}
