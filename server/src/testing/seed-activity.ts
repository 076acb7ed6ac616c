import { randomBytes } from 'node:crypto';
import type { LoadedSession, MessageRecord, Storage } from '../storage/ports.js';

/**
 * Loads many sessions and messages of one application through the storage's bulk loader (the
 * documents the write paths store, without per-document work). Used by tests that compare the
 * console's answers with a brute-force count, and by the benchmark (100k sessions, 1M messages).
 * Then the application's counters, chart and lists are made to count them: exactly, from everything
 * stored, for small seeds (the application may already have data), from the loaded data alone for
 * big ones (a recount of 1M messages would take minutes on the embedded FerretDB).
 */

export interface SeedOptions {
  appId: string;
  sessions: number;
  /** Average messages per session (visitor, ai and agent mixed); the count varies 0..2×average. */
  messagesPerSession: number;
  /** Sessions start between `now - spanMs` and `now`. */
  now: Date;
  spanMs: number;
  /** The same seed gives the same data. */
  seed?: number;
  batchSize?: number;
  /** Share of sessions still active (0..1). */
  activeShare?: number;
  /**
   * Recount from everything stored (exact even when the application already had data, but a scan of
   * every stored message). Default: for small seeds only; otherwise from the loaded data alone,
   * exact for an application that had no data before.
   */
  exact?: boolean;
  /** Share of completed sessions showing a rage click and a JavaScript error (0..1, default none). */
  signalShare?: number;
}

/** What was inserted; the documents themselves only for small seeds (≤ 50k messages), for brute-force checks. */
export interface SeedResult {
  sessionCount: number;
  messageCount: number;
  activeCount: number;
  sessions: LoadedSession[];
  messages: MessageRecord[];
  /** A visitor of the seed and a session with more than 8 messages (searches and transcripts to measure). */
  sample: { visitorId: string; chattySessionId: string | null };
}

/** A new id shaped like MongoDB's (time, then random bytes), so ids sort roughly by creation. */
const newId = () => `${Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')}${randomBytes(8).toString('hex')}`;

/** mulberry32: a tiny deterministic generator, so a failing seed can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/', '/pricing', '/checkout', '/docs/start', '/blog/launch', '/account/settings'];
const HOSTS = ['shop.example.com', 'www.example.org', 'app.example.net'];

export async function seedActivity(storage: Pick<Storage, 'bulk'>, options: SeedOptions): Promise<SeedResult> {
  const rand = random(options.seed ?? 1);
  const batchSize = options.batchSize ?? 5000;
  const keep = options.sessions * options.messagesPerSession <= 50_000; // small seeds are returned for brute-force checks
  const appId = options.appId;
  const allSessions: LoadedSession[] = [];
  const allMessages: MessageRecord[] = [];
  let sessionBatch: LoadedSession[] = [];
  let messageBatch: MessageRecord[] = [];
  let activeCount = 0;
  let messageCount = 0;
  const sample: SeedResult['sample'] = { visitorId: '', chattySessionId: null };

  const flush = async (force: boolean) => {
    if (!force && sessionBatch.length < batchSize && messageBatch.length < batchSize) return;
    await storage.bulk.load(sessionBatch, messageBatch);
    sessionBatch = [];
    messageBatch = [];
  };

  for (let i = 0; i < options.sessions; i++) {
    const active = rand() < (options.activeShare ?? 0.2);
    // Active sessions are recent: the server completes idle ones after 30 minutes.
    const startedAt = new Date(options.now.getTime() - Math.floor(rand() * (active ? Math.min(options.spanMs, 25 * 60_000) : options.spanMs)));
    const durationMs = Math.min(Math.floor(rand() * 20 * 60_000), options.now.getTime() - startedAt.getTime());
    const url = `https://${HOSTS[Math.floor(rand() * HOSTS.length)]}${PATHS[Math.floor(rand() * PATHS.length)]}`;
    // Returning visitors: ids repeat across sessions, shaped like the widget's random ids.
    const visitorId = `v${((Math.floor(rand() * options.sessions * 0.7) + 1) * 2654435761 >>> 0).toString(36).padStart(7, '0')}`;
    const messageTotal = Math.floor(rand() * (2 * options.messagesPerSession + 1));
    const session: LoadedSession = {
      id: newId(),
      appId,
      visitorId,
      status: active ? 'active' : 'completed',
      startedAt,
      lastActivityAt: new Date(startedAt.getTime() + durationMs),
      endedAt: active ? null : new Date(startedAt.getTime() + durationMs),
      endReason: active ? null : 'visitor-ended',
      landingUrl: url,
      pages: [{ url, at: startedAt }],
      pageCount: 1 + Math.floor(rand() * 4),
      eventCount: Math.floor(rand() * 3000),
      bytes: Math.floor(rand() * 200_000),
      chunkCount: rand() < 0.85 ? 1 + Math.floor(rand() * 10) : 0,
      maxSeq: 0,
      recordingStopped: null,
      userAgent: 'Mozilla/5.0 (seed)',
      viewport: { width: 1280, height: 800 },
      chatState: 'ai',
      messageCount: messageTotal,
      lastMessageAt: null,
      lastMessageText: '',
      signalTypes: options.signalShare && !active && rand() < options.signalShare ? ['rage_click', 'js_error'] : [],
    };
    session.maxSeq = session.chunkCount;
    for (let seq = 1; seq <= messageTotal; seq++) {
      const createdAt = new Date(Math.min(startedAt.getTime() + seq * 15_000, options.now.getTime()));
      const role = seq % 2 === 1 ? 'visitor' : rand() < 0.8 ? 'ai' : 'agent';
      const answered = rand();
      const message: MessageRecord = {
        id: newId(),
        appId,
        sessionId: session.id,
        visitorId,
        role,
        text: role === 'visitor' ? `Question ${seq} about ${url}` : `Answer ${seq}`,
        createdAt,
        seq,
        clientId: null,
        answeredBy: role !== 'visitor' ? null : answered < 0.6 ? 'ai' : answered < 0.8 ? 'agent' : null,
        agentId: null,
      };
      session.lastMessageAt = createdAt;
      session.lastMessageText = message.text;
      messageBatch.push(message);
      if (keep) allMessages.push(message);
      messageCount += 1;
    }
    sessionBatch.push(session);
    if (keep) allSessions.push(session);
    if (active) activeCount += 1;
    if (!sample.visitorId) sample.visitorId = visitorId;
    if (!sample.chattySessionId && messageTotal > 8) sample.chattySessionId = session.id;
    await flush(false);
  }
  await flush(true);
  await storage.bulk.finish(appId, { exact: options.exact ?? keep });
  return { sessionCount: options.sessions, messageCount, activeCount, sessions: allSessions, messages: allMessages, sample };
}
