import { accountsRepositories } from './accounts-repositories.js';
import type { ActivityCountersStore } from './activity-counters.js';
import { chunkCounting } from './chunk-counting.js';
import { appendMessages, conversationWrites } from './messages-repository.js';
import type { Models } from './models.js';
import type { ChunkHeader, ConversationsRepository, MessagesRepository, RecordingsRepository, Repositories, SessionsRepository } from './ports.js';
import { recordingWrites } from './recordings-repository.js';
import { sessionsRepository } from './sessions-repository.js';
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

/** The repositories of an implementation: the shared writes with its hooks, and its own reads. */
export function repositoriesOf(models: Models, counters: ActivityCountersStore, hooks: WriteHooks, reads: ImplementationReads): Repositories {
  return {
    ...accountsRepositories(models),
    sessions: { ...sessionsRepository(models, counters, hooks), ...reads.sessions },
    messages: { ...appendMessages(models, counters, hooks), ...reads.messages },
    conversations: { ...conversationWrites(models, hooks), ...reads.conversations },
    recordings: { ...recordingWrites(models, counters, hooks, chunkCounting(models, counters, reads.storedHeaders)), ...reads.recordings },
    struggles: strugglesRepository(models),
  };
}
