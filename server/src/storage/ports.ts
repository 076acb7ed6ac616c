import type { ActivityCounters, ConversationFilter, PromptRow, SessionRow, SessionStatusFilter, TeamMember } from '../protocol/activity.js';
import type { InsightsStatus, SessionSignal, SignalType } from '../protocol/insights.js';
import type { FontFilesRepository } from './font-files-repository.js';
import type { ApiTokensRepository } from './api-tokens-repository.js';
import type { WebhooksRepository } from './webhooks-repository.js';
import type { HeatmapsRepository } from './heatmaps-repository.js';
import type { IngestControl } from './ingest-pipeline.js';
import type { MessageRecord, Repositories, SessionRecord } from './repositories.js';

/**
 * The storage port: everything services, routes and app.ts use of the database, as interfaces only.
 * `openDatabase` (open-database.ts) picks one implementation when the server starts — the embedded
 * read model on the embedded FerretDB, MongoDB-native on MONGODB_URI — and nothing outside storage/
 * knows which, nor sees mongoose, collections or the read model's list names.
 */

export type * from './repositories.js';
export type * from './font-files-repository.js';
export type * from './api-tokens-repository.js';
export type * from './webhooks-repository.js';
export type * from './heatmaps-repository.js';
export type { IngestControl, IngestTuning } from './ingest-pipeline.js';
export type { IngestObserver } from './ingest-observer.js';
/** A compacted chunk's stored segment failed its bounds (a damaged or hostile database). */
export { DamagedSegmentError } from './segment-codec.js';

export interface DatabaseHealth {
  connected: boolean;
  engine: 'MongoDB' | 'FerretDB' | 'unknown';
  version: string | null;
  embedded: boolean;
}

export interface Storage {
  repos: Repositories;
  activity: ActivityStore;
  insights: InsightsStore;
  team: TeamQueries;
  /** The replay's font files (issue 19): the same `_id`-addressed documents on every implementation. */
  fonts: FontFilesRepository;
  /** Integrations' API tokens (issue 22): `_id`-addressed documents, the same on every implementation. */
  apiTokens: ApiTokensRepository;
  /** Webhook endpoints, their delivery log and queue (issue 22): the same documents on every implementation. */
  webhooks: WebhooksRepository;
  /** Click and scroll heatmaps' aggregates (issue 22, part 4): `_id`-addressed, the same on every implementation. */
  heatmaps: HeatmapsRepository;
  /** This node's ingest path (group commit, write-behind, backpressure) as /metrics sees it. */
  ingest: IngestControl;
  /** Bulk loading of whole sessions with their messages (tests, the benchmark). */
  bulk: BulkLoader;
  /** Every stored document of every collection (or of those named), as stored: privacy audits, moving to MongoDB. */
  documents(collections?: readonly string[]): AsyncIterable<StoredDocument>;
  /** Erases the application and every document about it, memberships included (issue 18); false when it did not exist. */
  eraseApp(appId: string): Promise<boolean>;
  health(): Promise<DatabaseHealth>;
  /** Closes the connection, then stops the embedded database if this process started one. */
  close(): Promise<void>;
}

export interface StoredDocument {
  collection: string;
  document: Record<string, unknown>;
}

// Activity: the Sessions page and the Activity tab. The feature's logic (merging, filters' scan
// budget, paging) lives in activity/; an implementation supplies newest-first sources.

/** A row's place in every list: newest first by time (ms), then by id. */
export interface ListKey {
  t: number;
  id: string;
}

/**
 * Where a page ends: the key of the last row given (or looked at) and, per source, an opaque token
 * the implementation handed out to resume there quickly. Encoded by the implementation itself.
 */
export interface ListPosition extends ListKey {
  resume: Partial<Record<SourceName, string>>;
}

export type SourceName = 'sessions' | 'prompts';

/**
 * Keys newest first, strictly older than the position it was opened at, then the rows of keys it
 * gave (null: gone, or not matching the source's filter). Keys are cheap to list and rows are
 * fetched for the keys shown only.
 */
export interface NewestFirst<R> {
  /** Up to `max` more keys; fewer at the end of the source. */
  next(max: number): Promise<Array<ListKey & { resume?: string }>>;
  rows(keys: ListKey[]): Promise<Array<R | null>>;
}

export interface SessionFilter {
  status: SessionStatusFilter;
  /** Part of the landing page's domain and path, or of the visitor's id, name or email (any case). */
  q: string;
  signal?: SignalType;
  /** Only sessions whose conversation is in this state (sessions without one never match). */
  conversation?: ConversationFilter;
}

export interface ActivityStore {
  /** The application's sessions matching the filter; null when nothing can match. */
  sessions(appId: string, filter: SessionFilter, from?: ListPosition): Promise<NewestFirst<SessionRow> | null>;
  /** The application's visitor messages (of sessions showing the signal, when given). */
  prompts(appId: string, filter: { signal?: SignalType }, from?: ListPosition): Promise<NewestFirst<PromptRow> | null>;
  counters(appId: string): Promise<ActivityCounters>;
  /** Sessions started and prompts sent per UTC bucket key (`YYYY-MM-DDTHH` hours, `YYYY-MM-DD` days). */
  bucketCounts(appId: string, unit: 'hour' | 'day', keys: string[]): Promise<{ sessions: Map<string, number>; prompts: Map<string, number> }>;
  encodeCursor(position: ListPosition): string;
  /** null: not a cursor this implementation gave out. */
  decodeCursor(cursor: string): ListPosition | null;
}

// Insights stored with their session (issue #7).

export interface StoredSummary {
  text: string;
  source: 'ai' | 'deterministic';
  generatedAt: Date;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
}

export interface StoredInsights {
  status: InsightsStatus;
  computedAt: Date | null;
  signals: SessionSignal[];
  summary: StoredSummary | null;
  /** Why the analysis failed, or where the recording was cut; null (or absent) otherwise. */
  note?: string | null;
}

export interface InsightsStore {
  get(sessionId: string): Promise<StoredInsights | null>;
  /** Marks the computation under way, keeping what was stored before. */
  markPending(sessionId: string): Promise<void>;
  /** Marks the computation failed, with a note for people saying why. */
  markFailed(sessionId: string, note: string): Promise<void>;
  /** Stores the insights; the session and its prompts are then found by the signal filter. */
  save(session: Pick<SessionRecord, 'id' | 'appId' | 'startedAt'>, insights: StoredInsights, signalTypes: SignalType[]): Promise<void>;
}

/** Console accounts as the owner's Team page manages them. */
export interface TeamQueries {
  list(): Promise<TeamMember[]>;
  /** Gives or takes one application; null when the user does not exist. */
  setMembership(userId: string, appId: string, member: boolean): Promise<TeamMember | null>;
  /** Makes the account an owner or an agent; null when the user does not exist. */
  setRole(userId: string, role: TeamMember['role']): Promise<TeamMember | null>;
  /** Deletes the account and its sign-ins, so its cookies stop working at once. */
  remove(userId: string): Promise<boolean>;
}

/** A whole session as bulk loading stores it (ids are the records' own). */
export interface LoadedSession extends SessionRecord {
  chatState: 'ai' | 'waiting' | 'human';
  /** Messages stored with the session (its last message seq). */
  messageCount: number;
  lastMessageAt: Date | null;
  lastMessageText: string;
  visitorName?: string;
  visitorEmail?: string;
  signalTypes: SignalType[];
}

export interface BulkLoader {
  /** Stores sessions and messages as they are, without counting them anywhere yet. */
  load(sessions: LoadedSession[], messages: MessageRecord[]): Promise<void>;
  /**
   * Makes the application's counters, chart and lists count what was loaded. `exact`: recount
   * from everything stored (the application may have had data before); otherwise from what was
   * loaded since the last call (faster at a million messages).
   */
  finish(appId: string, options: { exact: boolean }): Promise<void>;
}
