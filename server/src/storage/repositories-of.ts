import { accountsRepositories } from './accounts-repositories.js';
import type { ActivityCountersStore } from './activity-counters.js';
import { chunkCounting } from './chunk-counting.js';
import { ingestPipeline, type IngestPipeline, type IngestTuning } from './ingest-pipeline.js';
import { appendMessages, conversationWrites } from './messages-repository.js';
import type { Models } from './models.js';
import type { ChunkHeader, ConversationsRepository, MessagesRepository, RecordingsRepository, Repositories, SessionsRepository } from './ports.js';
import { recordingWrites } from './recordings-repository.js';
import { recordingSegments } from './recording-segments.js';
import { sessionsRepository } from './sessions-repository.js';
import { feedbackRepository } from './feedback-repository.js';
import { strugglesRepository } from './struggles-repository.js';
import type { WriteHooks } from './write-hooks.js';

/** The reads each implementation answers its own way. */
export interface ImplementationReads {
  sessions: Pick<SessionsRepository, 'listActive'>;
  messages: Omit<MessagesRepository, 'append'>;
  conversations: Pick<ConversationsRepository, 'listActive' | 'list' | 'listQuiet'>;
  recordings: Pick<RecordingsRepository, 'listChunks' | 'appIdsWithSessions' | 'listActiveDue'>;
  /** Headers of a session's stored chunks with seqs from..to (recounts). */
  storedHeaders(sessionId: string, from: number, to: number): Promise<ChunkHeader[]>;
}

/**
 * The repositories of an implementation: the shared writes with its hooks, and its own reads. The
 * ingest's chunks go through the pipeline (group commit, derived state written behind), so the
 * readers of derived state flush this node's pending part first or add it (ingest-pipeline.ts).
 */
export function repositoriesOf(models: Models, counters: ActivityCountersStore, hooks: WriteHooks, reads: ImplementationReads, tuning: IngestTuning = {}): { repos: Repositories; pipeline: IngestPipeline } {
  const counting = chunkCounting(models, counters, reads.storedHeaders);
  const pipeline = ingestPipeline(models, counters, hooks, counting, tuning);
  const sessions = sessionsRepository(models, counters, hooks, (doc) => pipeline.withPending(doc), pipeline.recent);
  const segments = recordingSegments(models);
  const recordings = { ...recordingWrites(models, counters, hooks, counting, pipeline, segments), ...reads.recordings };
  return {
    pipeline,
    repos: {
      ...accountsRepositories(models),
      sessions: {
        ...sessions,
        ...reads.sessions,
        async complete(id, at, reason) {
          await pipeline.flush([id]);
          return sessions.complete(id, at, reason);
        },
      },
      messages: { ...appendMessages(models, counters, hooks), ...reads.messages },
      conversations: { ...conversationWrites(models, hooks), ...reads.conversations },
      recordings: {
        ...recordings,
        async listChunks(sessionId, afterSeq, limit) {
          await pipeline.flush([sessionId]);
          return recordings.listChunks(sessionId, afterSeq, limit);
        },
      },
      recordingSegments: { layout: segments.layout, commit: segments.commit, dropCoveredBlobs: segments.dropCoveredBlobs, discard: segments.discard },
      struggles: strugglesRepository(models),
      feedback: feedbackRepository(models),
    },
  };
}
