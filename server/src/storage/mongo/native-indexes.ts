import type { IndexSpec } from '../shared-indexes.js';

/**
 * The indexes of the MongoDB-native implementation: one per query it makes, each in the order the
 * query sorts (newest first by time, then by id), so every list page is an index walk of the rows it
 * shows.
 */
export const NATIVE_INDEXES: IndexSpec[] = [
  // Sessions page (all), the feed's sessions, retention and erasure by app.
  { collection: 'sessions', key: { appId: 1, startedAt: -1, _id: -1 } },
  // Sessions page filtered by status.
  { collection: 'sessions', key: { appId: 1, status: 1, startedAt: -1, _id: -1 } },
  // The signal filter (multikey).
  { collection: 'sessions', key: { appId: 1, signalTypes: 1, startedAt: -1, _id: -1 } },
  // Search: the rarest trigram of the query (multikey, search-fields.ts).
  { collection: 'sessions', key: { appId: 1, searchGrams: 1, startedAt: -1, _id: -1 } },
  // A visitor's sessions (erasure).
  { collection: 'sessions', key: { appId: 1, visitorId: 1, startedAt: -1 } },
  // The sweeps: active sessions, by application and idleness.
  { collection: 'sessions', key: { status: 1, appId: 1, lastActivityAt: 1 } },
  // The agents' Conversations list: a person wanted first, then the latest message (one index per such view).
  { collection: 'sessions', key: { appId: 1, status: 1, chatPriority: -1, lastMessageAt: -1 } },
  // The Conversations views (issue 18): waiting oldest first; mine and open by their last message; resolved latest first;
  // the quiet-period sweep reads the open ones by last message too.
  { collection: 'sessions', key: { appId: 1, conversationStatus: 1, waitingSince: 1 } },
  { collection: 'sessions', key: { appId: 1, conversationStatus: 1, assigneeId: 1, lastMessageAt: -1 } },
  { collection: 'sessions', key: { appId: 1, conversationStatus: 1, lastMessageAt: -1 } },
  { collection: 'sessions', key: { appId: 1, conversationStatus: 1, resolvedAt: -1 } },
  // A retried send is stored once. `clientKey` (session and client id) exists only on messages that have
  // a client id: a sparse single-field index leaves the others out on MongoDB and on its test stand-in
  // alike (the stand-in ignores a partial index's filter; a sparse compound index would still index nulls).
  { collection: 'messages', key: { clientKey: 1 }, options: { unique: true, sparse: true } },
  // The feed's prompts, and the feed's prompts of sessions showing a signal.
  { collection: 'messages', key: { appId: 1, role: 1, createdAt: -1, _id: -1 } },
  { collection: 'messages', key: { appId: 1, role: 1, sessionSignals: 1, createdAt: -1, _id: -1 } },
  // A returning visitor's earlier conversation.
  { collection: 'messages', key: { appId: 1, visitorId: 1, createdAt: -1 } },
  // A session's chunk list (and a second copy of a chunk is refused by its `_id` already).
  { collection: 'chunks', key: { sessionId: 1, seq: 1 }, options: { unique: true } },
  // A compacted recording's segments, deleted with their session (erasure, retention).
  { collection: 'recording_segments', key: { sessionId: 1 } },
  { collection: 'recording_layouts', key: { sessionId: 1 } },
  // Webhooks: an endpoint's delivery log, newest first; the queue's due deliveries (issue 22).
  { collection: 'webhook_deliveries', key: { endpointId: 1, createdAt: -1, _id: -1 } },
  { collection: 'webhook_queue', key: { dueAt: 1 } },
];
