import type { AppSettings } from '../protocol/app-settings.js';

/** The small interfaces services use. Only storage/ knows they are backed by mongoose. */

export type { AppSettings };

export interface AppRecord {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  demo: boolean;
  createdAt: Date;
  settings: AppSettings;
}

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: 'owner' | 'agent';
  appIds: string[];
}

export interface AppsRepository {
  create(input: { name: string; publicKey: string; allowedOrigins: string[]; demo?: boolean }): Promise<AppRecord>;
  findById(id: string): Promise<AppRecord | null>;
  findByKey(publicKey: string): Promise<AppRecord | null>;
  findDemo(): Promise<AppRecord | null>;
  listByIds(ids: string[]): Promise<AppRecord[]>;
  /** Every application (a small collection): the periodic jobs that apply each one's settings. */
  listAll(): Promise<AppRecord[]>;
  /** `settings` keys are dotted paths (`settings.ai.enabled`) so a patch never resets siblings. */
  update(id: string, patch: { name?: string; allowedOrigins?: string[]; settings?: Record<string, unknown> }): Promise<AppRecord | null>;
  /** Gives the application a new widget key: from this write on, the old one finds nothing. */
  setPublicKey(id: string, publicKey: string): Promise<AppRecord | null>;
}

export interface UsersRepository {
  count(): Promise<number>;
  create(input: { email: string; passwordHash: string; role: UserRecord['role']; appIds?: string[] }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  addApp(userId: string, appId: string): Promise<void>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
}

export interface LoginsRepository {
  create(input: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** The user id of a sign-in that has not expired at `now`. */
  findUserId(tokenHash: string, now: Date): Promise<string | null>;
  /** When a sign-in that has not expired at `now` expires; null when it is gone or expired. */
  expiresAt(tokenHash: string, now: Date): Promise<Date | null>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
  /** Ends every sign-in of the user but `keepTokenHash`; answers the token hashes it ended. */
  deleteOthersOfUser(userId: string, keepTokenHash: string): Promise<string[]>;
}

export interface InstanceRepository {
  /** The installation's cookie secret, created with `generate` on first call. */
  cookieSecret(generate: () => string): Promise<string>;
  /**
   * Takes or renews the lease of a periodic job (one node runs each: issue 16) until `until`: true
   * when `holder` has it, because it is free, expired at `now`, or already `holder`'s.
   */
  takeJobLease(job: string, holder: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the lease up when `holder` has it. */
  releaseJobLease(job: string, holder: string): Promise<void>;
}

export interface SessionRecord {
  id: string;
  appId: string;
  visitorId: string;
  status: 'active' | 'completed';
  startedAt: Date;
  lastActivityAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  landingUrl: string;
  pages: Array<{ url: string; at: Date }>;
  pageCount: number;
  eventCount: number;
  bytes: number;
  chunkCount: number;
  /** Recording: the highest stored chunk seq (0 before the first). */
  maxSeq: number;
  /** Why the server stopped its recording (a storage quota), or null. */
  recordingStopped: string | null;
  userAgent: string;
  viewport: { width: number; height: number };
}

export interface NewSession {
  appId: string;
  visitorId: string;
  startedAt: Date;
  landingUrl: string;
  userAgent: string;
  viewport: { width: number; height: number };
}

export interface SessionsRepository {
  create(input: NewSession): Promise<SessionRecord>;
  findById(id: string): Promise<SessionRecord | null>;
  /**
   * The session as this node read it at most RECENT_SESSION_MS ago (its own writes of the session
   * seen at once, its stored chunks added): for the ingest's per-batch checks, which all tolerate
   * another node's change arriving seconds later (status, stop marker, seq window, quota bytes).
   */
  findRecent(id: string): Promise<SessionRecord | null>;
  /** The visitor's newest active session in this application. */
  findActiveForVisitor(appId: string, visitorId: string): Promise<SessionRecord | null>;
  /** Records a page view (navigation or reload) and activity. */
  addPage(id: string, url: string, at: Date): Promise<SessionRecord | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Active → completed; null when it was not active (already completed or unknown). */
  complete(id: string, at: Date, reason: string): Promise<SessionRecord | null>;
  /** Every active session (a small set, read by `_id`). */
  listActive(): Promise<SessionRecord[]>;
  /** Removes what is kept about the visitor outside their sessions (erasure). */
  forgetVisitor(appId: string, visitorId: string): Promise<void>;
}

import type { AiUsageRepository, ConversationsRepository, MessagesRepository } from './chat-records.js';
import type { HelpOfferAnswer, StruggleReport, StrugglingSession } from '../protocol/struggle.js';
import type { ConversationRating } from '../protocol/feedback.js';
import type { BuiltSegment } from './segment-codec.js';
export type * from './chat-records.js';

/** The readable header of a stored recording chunk (the blob itself is fetched separately). */
export interface ChunkHeader {
  seq: number;
  firstTs: number;
  lastTs: number;
  eventCount: number;
  bytes: number;
  hasFullSnapshot: boolean;
}

/** A session's recording counters. */
export interface SessionCounters {
  eventCount: number;
  bytes: number;
  chunkCount: number;
  maxSeq: number;
}

export interface NewChunk extends ChunkHeader {
  sessionId: string;
  appId: string;
  /** The gzip blob as the widget sent it. */
  data: Buffer;
  storedAt: Date;
  /** How the batch arrived: the socket, or POST /ingest as a page went away. */
  via?: 'socket' | 'http';
}

export interface RecordingsRepository {
  /** Stores a chunk; false when this (sessionId, seq) was stored before (a retry). */
  insertChunk(chunk: NewChunk): Promise<boolean>;
  /** Counts a newly stored chunk into its session and records activity. */
  addToSession(sessionId: string, added: { seq: number; events: number; bytes: number; at: Date }): Promise<void>;
  /** insertChunk, then addToSession when it was new, as one step that a recount never splits (the ingest's way). */
  storeChunk(chunk: NewChunk): Promise<boolean>;
  /** Recomputes the session's counters from its stored chunk headers, adding what a crash left uncounted. */
  recount(sessionId: string): Promise<SessionCounters | null>;
  /** Marks the session's recording stopped for `reason`; true for the one caller that marked it first. */
  markRecordingStopped(sessionId: string, reason: string): Promise<boolean>;
  /** Recording bytes the application stores now (all its sessions' `bytes`). */
  storedBytes(appId: string): Promise<number>;
  /** The highest n such that chunks 1..n of the session are all stored. */
  contiguousSeq(sessionId: string): Promise<number>;
  /** The highest stored seq of the session (0 when none). */
  maxSeq(sessionId: string): Promise<number>;
  /**
   * Headers of stored chunks after `afterSeq`, in seq order: at most `limit` (capped at
   * MAX_CHUNK_HEADS_PER_READ), of seqs at most MAX_SEQ_SPAN_PER_READ past `afterSeq` whatever the
   * session's maxSeq says. Fewer than `limit` means the list ends here (or a wide gap follows).
   */
  listChunks(sessionId: string, afterSeq: number, limit: number): Promise<ChunkHeader[]>;
  chunkData(sessionId: string, seq: number): Promise<Buffer | null>;
  /** Several chunks' blobs by seq, in few round trips; the caller bounds how many bytes it asks for. */
  chunksData(sessionId: string, seqs: number[]): Promise<Map<number, Buffer>>;
  /** The visitor's last connection to this active session closed at `at`. */
  markDisconnected(sessionId: string, at: Date): Promise<void>;
  /** Applications that have sessions (optionally of one status). */
  appIdsWithSessions(status?: 'active' | 'completed'): Promise<string[]>;
  /** Active sessions of the app past one of the lifecycle thresholds. */
  listActiveDue(
    appId: string,
    thresholds: { lastActivityBefore: Date; startedBefore: Date; disconnectedBefore: Date },
    limit: number,
  ): Promise<Array<SessionRecord & { disconnectedAt: Date | null }>>;
  listSessionIds(filter: { appId: string; visitorId?: string; startedBefore?: Date }, limit: number): Promise<string[]>;
  /** Deletes sessions with their chunks and messages. */
  deleteSessions(ids: string[]): Promise<{ sessions: number; chunks: number; messages: number }>;
}

/** Which segments replace a compacted session's chunk blobs (segment-codec.ts, segment-models.ts). */
export interface SegmentLayout {
  generation: string;
  segments: Array<{ id: string; firstSeq: number; lastSeq: number }>;
}

/**
 * Compacted recordings (issue 20): what the compaction job writes through. Readers need nothing of it:
 * `chunkData`/`chunksData` answer a compacted chunk from its segment.
 */
export interface RecordingSegmentsRepository {
  /** The session's stored layout, or null while it is not compacted. */
  layout(sessionId: string): Promise<SegmentLayout | null>;
  /**
   * Stores the segments, then the layout that puts them in place: true for the one caller whose
   * layout was stored (the blobs of the chunks its segments hold are then dropped); false when another
   * compaction of the session was stored first (this one's segments are deleted again).
   */
  commit(input: { sessionId: string; appId: string; generation: string; segments: BuiltSegment[] }): Promise<boolean>;
  /** Drops the blobs of the chunks the session's stored layout covers (idempotent: a winner that died before doing it). */
  dropCoveredBlobs(sessionId: string): Promise<number>;
  /** Deletes the session's layout and segments (a session erased while it was being compacted). */
  discard(sessionId: string): Promise<void>;
}

export interface Repositories {
  apps: AppsRepository;
  users: UsersRepository;
  logins: LoginsRepository;
  instance: InstanceRepository;
  sessions: SessionsRepository;
  messages: MessagesRepository;
  conversations: ConversationsRepository;
  aiUsage: AiUsageRepository;
  recordings: RecordingsRepository;
  /** Compacted recordings (issue 20). */
  recordingSegments: RecordingSegmentsRepository;
  /** Live struggle and the help offer (issue 21), on the session documents. */
  struggles: StrugglesRepository;
  /** A visitor's rating and contact email (issue 18), on the session documents. */
  feedback: FeedbackRepository;
}

/** Live struggle of sessions (issue 21), kept on the session document: no collection of its own. */
export interface StrugglesRepository {
  /** Records a report on an active session (the latest one, counted); null when the session is not active. */
  report(sessionId: string, report: StruggleReport, at: Date): Promise<StrugglingSession | null>;
  /** Grants the session's one help offer; null when it was granted before or the session is not active. */
  claimHelpOffer(sessionId: string, at: Date): Promise<StrugglingSession | null>;
  /** What the visitor did with the offer: once, and only after it was granted; null otherwise. */
  answerHelpOffer(sessionId: string, outcome: HelpOfferAnswer, at: Date): Promise<StrugglingSession | null>;
}

/**
 * What a visitor leaves on a conversation besides messages (issue 18): one rating, and an email to be
 * answered at. Kept on the session document as flat fields, so each write is one conditional update,
 * atomic on every engine whichever process makes it: the same on every implementation.
 */
export interface FeedbackRepository {
  /** Rates the visitor's own session: null when it was rated before (or is not theirs). Once only, whoever races. */
  rate(sessionId: string, visitorId: string, rating: { score: number; comment: string }, at: Date): Promise<ConversationRating | null>;
  /** Stores the email to reply to on the visitor's own session; false when it is not theirs. */
  setContactEmail(sessionId: string, visitorId: string, email: string, at: Date): Promise<boolean>;
  find(sessionId: string): Promise<{ rating: ConversationRating | null; contactEmail: string | null } | null>;
}
