import { Types } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import type { Models } from '../storage/models.js';
import { MESSAGES_PER_PAGE, type MessagePagesDoc } from '../storage/message-pages.js';
import { rebuildActivityIndex, writeActivityIndex, type IndexSource } from '../storage/activity-index-rebuild.js';

/**
 * Inserts many sessions and messages for one application straight through the models' collections,
 * with the same fields (time-bucket keys included) the real write paths store. Used by tests that
 * compare the console's answers with a brute-force count, and by the benchmark (100k sessions,
 * 1M messages): documents go in with insertMany batches, without per-document validation. Then the
 * console's activity index (counters, buckets, list pages) is built for the application: from the raw
 * collections for small seeds (exact even when the application already had data), from the generated
 * entries for big ones (a scan of 1M messages would take minutes on the embedded FerretDB).
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
   * Build the activity index from the raw collections (exact even when the application already had
   * data, but a scan of every stored message). Default: for small seeds only; otherwise the index is
   * built from the generated entries, exact for an application that had no data before.
   */
  indexFromRaw?: boolean;
  /** Share of completed sessions showing a rage click and a JavaScript error (0..1, default none). */
  signalShare?: number;
}

export interface SeededSession {
  _id: Types.ObjectId;
  appId: Types.ObjectId;
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
  userAgent: string;
  viewport: { width: number; height: number };
  hourKey: string;
  dayKey: string;
  chatState: 'ai' | 'waiting' | 'human';
  messageSeq: number;
  lastMessageAt: Date | null;
  lastMessageText: string;
  signalTypes: string[];
  messagePages: true;
}

export interface SeededMessage {
  _id: Types.ObjectId;
  appId: Types.ObjectId;
  sessionId: Types.ObjectId;
  visitorId: string;
  role: 'visitor' | 'ai' | 'agent';
  text: string;
  createdAt: Date;
  seq: number;
  clientId: string | null;
  hourKey: string;
  dayKey: string;
  answeredBy: 'ai' | 'agent' | null;
  agentId: null;
}

/** What was inserted; the documents themselves only for small seeds (≤ 50k messages), for brute-force checks. */
export interface SeedResult {
  sessionCount: number;
  messageCount: number;
  activeCount: number;
  sessions: SeededSession[];
  messages: SeededMessage[];
}

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

export async function seedActivity(
  models: Pick<Models, 'Session' | 'Message' | 'ActivityIndex' | 'MessagePages'>,
  options: SeedOptions,
): Promise<SeedResult> {
  const rand = random(options.seed ?? 1);
  const batchSize = options.batchSize ?? 5000;
  const keep = options.sessions * options.messagesPerSession <= 50_000; // small seeds are returned for brute-force checks
  const appId = new Types.ObjectId(options.appId);
  const allSessions: SeededSession[] = [];
  const allMessages: SeededMessage[] = [];
  let sessionBatch: SeededSession[] = [];
  let messageBatch: SeededMessage[] = [];
  let pageBatch: MessagePagesDoc[] = [];
  let sessionCount = 0;
  let activeCount = 0;
  let messageCount = 0;
  const indexSource: IndexSource = { sessions: [], prompts: [] };

  const flush = async (force: boolean) => {
    if (sessionBatch.length && (force || sessionBatch.length >= batchSize)) {
      await models.Session.collection.insertMany(sessionBatch);
      sessionBatch = [];
    }
    if (messageBatch.length && (force || messageBatch.length >= batchSize)) {
      await models.Message.collection.insertMany(messageBatch);
      messageBatch = [];
    }
    if (pageBatch.length && (force || pageBatch.length >= batchSize)) {
      await models.MessagePages.collection.insertMany(pageBatch as never[]);
      pageBatch = [];
    }
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
    const session: SeededSession = {
      _id: new Types.ObjectId(),
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
      userAgent: 'Mozilla/5.0 (seed)',
      viewport: { width: 1280, height: 800 },
      hourKey: hourKey(startedAt),
      dayKey: dayKey(startedAt),
      chatState: 'ai',
      messageSeq: messageTotal,
      lastMessageAt: null,
      lastMessageText: '',
      messagePages: true,
      signalTypes: options.signalShare && !active && rand() < options.signalShare ? ['rage_click', 'js_error'] : [],
    };
    for (let seq = 1; seq <= messageTotal; seq++) {
      const createdAt = new Date(Math.min(startedAt.getTime() + seq * 15_000, options.now.getTime()));
      const role = seq % 2 === 1 ? 'visitor' : rand() < 0.8 ? 'ai' : 'agent';
      const answered = rand();
      const message: SeededMessage = {
        _id: new Types.ObjectId(),
        appId,
        sessionId: session._id,
        visitorId,
        role,
        text: role === 'visitor' ? `Question ${seq} about ${url}` : `Answer ${seq}`,
        createdAt,
        seq,
        clientId: null,
        hourKey: hourKey(createdAt),
        dayKey: dayKey(createdAt),
        answeredBy: role !== 'visitor' ? null : answered < 0.6 ? 'ai' : answered < 0.8 ? 'agent' : null,
        agentId: null,
      };
      const page = `${session._id}:m${Math.floor(seq / MESSAGES_PER_PAGE)}`;
      if (pageBatch.at(-1)?._id !== page) pageBatch.push({ _id: page, sessionId: session._id });
      pageBatch.at(-1)![`s${seq}`] = message._id.toString();
      session.lastMessageAt = createdAt;
      session.lastMessageText = message.text;
      messageBatch.push(message);
      if (role === 'visitor') indexSource.prompts.push({ t: createdAt.getTime(), id: message._id.toString(), sessionId: session._id.toString() });
      if (keep) allMessages.push(message);
      messageCount += 1;
    }
    sessionBatch.push(session);
    indexSource.sessions.push({
      t: startedAt.getTime(),
      id: session._id.toString(),
      status: session.status,
      eventCount: session.eventCount,
      search: { landingUrl: url, visitorId },
      signals: session.signalTypes,
      lastMessageAt: session.lastMessageAt?.getTime() ?? null,
    });
    if (keep) allSessions.push(session);
    sessionCount += 1;
    if (active) activeCount += 1;
    await flush(false);
  }
  await flush(true);
  if (options.indexFromRaw ?? keep) await rebuildActivityIndex(models, options.appId);
  else await writeActivityIndex(models.ActivityIndex, options.appId, indexSource);
  return { sessionCount, messageCount, activeCount, sessions: allSessions, messages: allMessages };
}
