import type { Ack } from './events.js';
import type { ConsoleChatMessage } from './chat-events.js';

/** Replay and live watch on the wire (server ↔ console, server → widget). */

/** One stored recording chunk as the console sees it before fetching its blob. */
export interface ReplayChunk {
  seq: number;
  firstTs: number;
  lastTs: number;
  eventCount: number;
  bytes: number;
  hasFullSnapshot: boolean;
}

/** The facts shown beside a replay. */
export interface ReplaySessionFacts {
  id: string;
  appId: string;
  visitorId: string;
  visitorName: string;
  visitorEmail: string;
  status: 'active' | 'completed';
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  endReason: string | null;
  landingUrl: string;
  pages: Array<{ url: string; at: string }>;
  userAgent: string;
  viewport: { width: number; height: number };
  eventCount: number;
  bytes: number;
}

/**
 * A manifest lists a recording only up to hard caps (MAX_MANIFEST_CHUNKS, MAX_MANIFEST_BYTES, and the
 * stored chunks reachable without a wide gap in seqs); past them it says where it stopped and why.
 */
export interface ReplayCut {
  reason: 'chunks' | 'bytes' | 'gap';
  /** The last chunk listed (0 when none). */
  afterSeq: number;
}

/** `GET /api/apps/:appId/sessions/:sessionId/replay`: everything but the blobs. */
export interface ReplayManifest {
  session: ReplaySessionFacts;
  chunks: ReplayChunk[];
  messages: ConsoleChatMessage[];
  /** Null when every stored chunk is listed. */
  cut: ReplayCut | null;
}

/** A batch as the ingest stored it, fanned out to watching agents: gzip of a JSON array of rrweb events. */
export interface LiveBatch {
  sessionId: string;
  seq: number;
  data: ArrayBuffer | Uint8Array;
}

export interface ReplayConsoleServerToClient {
  'replay:batch': (payload: LiveBatch) => void;
  /**
   * A stored batch was not sent live: the session recorded faster than LIVE_FANOUT_BYTES_PER_SECOND.
   * The widget is asked for a fresh full snapshot, from which the live player goes on.
   */
  'replay:gap': (payload: { sessionId: string; seq: number }) => void;
}

export interface ReplayConsoleClientToServer {
  /** Starts watching an active session live; batches arrive as `replay:batch` from now on. */
  'replay:watch': (payload: { sessionId: string }, ack: Ack<{ watchers: number }>) => void;
  'replay:unwatch': (payload: { sessionId: string }, ack: Ack<{ watchers: number }>) => void;
}

export interface ReplayVisitorServerToClient {
  /**
   * Agents started or stopped watching this session. While `watched`, the widget takes a fresh full
   * snapshot and sends batches more often; `notify` says whether to tell the visitor.
   */
  'recording:watched': (payload: { sessionId: string; watched: boolean; notify: boolean }) => void;
}
