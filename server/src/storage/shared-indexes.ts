import type { CreateIndexesOptions, IndexSpecification } from 'mongodb';

/** Indexes every implementation creates: the unique constraints the shared writes rely on. */
export interface IndexSpec {
  collection: string;
  key: IndexSpecification;
  options?: CreateIndexesOptions;
}

export const SHARED_INDEXES: IndexSpec[] = [
  // A message's seq is drawn by `$inc`: the index refuses a second message with the same one.
  { collection: 'messages', key: { sessionId: 1, seq: 1 }, options: { unique: true } },
  // Concurrent upserts of one day's AI usage meet on it.
  { collection: 'ai_usage', key: { appId: 1, dayKey: 1 }, options: { unique: true } },
];
