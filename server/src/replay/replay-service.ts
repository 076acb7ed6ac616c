import { AppError } from '../http/app-error.js';
import type { AppsService } from '../apps/apps-service.js';
import type { ConsoleChatMessage } from '../protocol/chat-events.js';
import { MAX_CHUNK_HEADS_PER_READ, MAX_MANIFEST_BYTES, MAX_MANIFEST_CHUNKS, MAX_MANIFEST_PAGES } from '../protocol/limits.js';
import type { ReplayChunk, ReplayCut, ReplayManifest, ReplaySessionFacts } from '../protocol/replay-events.js';
import { DamagedSegmentError, type MessageRecord, type Repositories, type SessionRecord, type UserRecord } from '../storage/ports.js';

/** Chunk headers asked for per storage read while building a manifest. */
const CHUNK_PAGE_SIZE = MAX_CHUNK_HEADS_PER_READ;
/** Messages shown beside one replay. */
const MAX_TRANSCRIPT_MESSAGES = 2000;

export interface ReplayService {
  /** The session's facts, chunk headers and transcript, for a member of its application. */
  manifest(user: UserRecord, appId: string, sessionId: string): Promise<ReplayManifest>;
  /** One chunk's stored blob (gzip of a JSON array of rrweb events). */
  chunk(user: UserRecord, appId: string, sessionId: string, seq: number): Promise<Buffer>;
  /** The session, when `user` is a member of its application; E_NOT_FOUND otherwise. */
  sessionFor(user: UserRecord, sessionId: string): Promise<SessionRecord>;
}

export function transcriptMessage(message: MessageRecord): ConsoleChatMessage {
  return {
    id: message.id,
    sessionId: message.sessionId,
    seq: message.seq,
    role: message.role,
    text: message.text,
    createdAt: message.createdAt.toISOString(),
    clientId: message.clientId,
  };
}

export function createReplayService(repos: Repositories, apps: AppsService): ReplayService {
  // Another application's session answers exactly like a missing one: 404, nothing learnt.
  async function sessionOf(user: UserRecord, appId: string, sessionId: string): Promise<SessionRecord> {
    await apps.getFor(user, appId);
    const session = await repos.sessions.findById(sessionId);
    if (!session || session.appId !== appId) throw new AppError('E_NOT_FOUND');
    return session;
  }

  return {
    async manifest(user, appId, sessionId) {
      const session = await sessionOf(user, appId, sessionId);
      const [{ chunks, cut }, messages, conversation] = await Promise.all([
        listManifestChunks(repos, session),
        repos.messages.listAfter(sessionId, 0, MAX_TRANSCRIPT_MESSAGES),
        repos.conversations.find(sessionId),
      ]);
      return {
        session: sessionFacts(session, conversation ?? undefined),
        chunks,
        messages: messages.map(transcriptMessage),
        cut,
      };
    },
    async chunk(user, appId, sessionId, seq) {
      await sessionOf(user, appId, sessionId);
      const data = await repos.recordings.chunkData(sessionId, seq).catch((error: Error) => {
        // A compacted chunk whose stored segment fails its bounds (storage/segment-codec.ts).
        if (error instanceof DamagedSegmentError) throw new AppError('E_RECORDING_DAMAGED');
        throw error;
      });
      if (!data) throw new AppError('E_NOT_FOUND');
      return data;
    },
    async sessionFor(user, sessionId) {
      const session = await repos.sessions.findById(sessionId);
      if (!session || !user.appIds.includes(session.appId)) throw new AppError('E_NOT_FOUND');
      return session;
    },
  };
}

/**
 * The chunk headers a replay plays, in seq order, within MAX_MANIFEST_CHUNKS and MAX_MANIFEST_BYTES
 * whatever the session's counters say (each storage read is capped too: see listChunks).
 */
async function listManifestChunks(repos: Repositories, session: SessionRecord): Promise<Pick<ReplayManifest, 'chunks' | 'cut'>> {
  const chunks: ReplayChunk[] = [];
  let bytes = 0;
  let cut: ReplayCut | null = null;
  // Each read moves past the last seq listed, so this many reads can list MAX_MANIFEST_CHUNKS.
  for (let reads = 0, after = 0; reads <= Math.ceil(MAX_MANIFEST_CHUNKS / CHUNK_PAGE_SIZE) && !cut; reads++) {
    const page = await repos.recordings.listChunks(session.id, after, CHUNK_PAGE_SIZE);
    for (const head of page) {
      if (chunks.length >= MAX_MANIFEST_CHUNKS) cut = { reason: 'chunks', afterSeq: after };
      else if (bytes + head.bytes > MAX_MANIFEST_BYTES) cut = { reason: 'bytes', afterSeq: after };
      if (cut) break;
      chunks.push(head);
      bytes += head.bytes;
      after = head.seq;
    }
    if (page.length < CHUNK_PAGE_SIZE) break;
  }
  // Stored chunks past a wide gap in seqs (only a forged recording has one) are not listed.
  if (!cut && chunks.length < session.chunkCount) cut = { reason: 'gap', afterSeq: chunks.at(-1)?.seq ?? 0 };
  return { chunks, cut };
}

function sessionFacts(session: SessionRecord, visitor?: { visitorName: string; visitorEmail: string }): ReplaySessionFacts {
  return {
    id: session.id,
    appId: session.appId,
    visitorId: session.visitorId,
    visitorName: visitor?.visitorName ?? '',
    visitorEmail: visitor?.visitorEmail ?? '',
    status: session.status,
    startedAt: session.startedAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    endReason: session.endReason,
    landingUrl: session.landingUrl,
    pages: session.pages.slice(0, MAX_MANIFEST_PAGES).map((page) => ({ url: page.url, at: page.at.toISOString() })),
    userAgent: session.userAgent,
    viewport: session.viewport,
    eventCount: session.eventCount,
    bytes: session.bytes,
  };
}
