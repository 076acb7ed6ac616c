import { AppError } from '../http/app-error.js';
import type { AppsService } from '../apps/apps-service.js';
import type { ChatMessage } from '../protocol/chat-events.js';
import type { ReplayManifest, ReplaySessionFacts } from '../protocol/replay-events.js';
import type { MessageRecord, Repositories, SessionRecord, UserRecord } from '../storage/ports.js';

/** Chunk headers read per query while building a manifest. */
const CHUNK_PAGE_SIZE = 1000;
/** A manifest lists at most this many chunks (~14 h of recording at one batch per 5 s). */
const MAX_MANIFEST_CHUNKS = 10_000;
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

export function transcriptMessage(message: MessageRecord): ChatMessage {
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
      const chunks: ReplayManifest['chunks'] = [];
      for (let after = 0; chunks.length < MAX_MANIFEST_CHUNKS; ) {
        const page = await repos.recordings.listChunks(sessionId, after, CHUNK_PAGE_SIZE);
        chunks.push(...page);
        if (page.length < CHUNK_PAGE_SIZE) break;
        after = page[page.length - 1].seq;
      }
      const [messages, conversation] = await Promise.all([
        repos.messages.listAfter(sessionId, 0, MAX_TRANSCRIPT_MESSAGES),
        repos.conversations.find(sessionId),
      ]);
      return {
        session: sessionFacts(session, conversation ?? undefined),
        chunks,
        messages: messages.map(transcriptMessage),
      };
    },
    async chunk(user, appId, sessionId, seq) {
      await sessionOf(user, appId, sessionId);
      const data = await repos.recordings.chunkData(sessionId, seq);
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
    pages: session.pages.map((page) => ({ url: page.url, at: page.at.toISOString() })),
    userAgent: session.userAgent,
    viewport: session.viewport,
    eventCount: session.eventCount,
    bytes: session.bytes,
  };
}
