import { createActivityService } from '../../activity/activity-service.js';
import { dayKey, hourKey } from '../../protocol/utc-buckets.js';
import type { Storage } from '../ports.js';

/**
 * One application as the port answers it (counters, chart hour, every list, paged; each session's
 * counters, chunks and messages) and the same counted by brute force from the raw documents: the two
 * must be equal whatever number of writers wrote them (concurrency.test.ts, e2e/cluster.test.ts).
 */
const ALL = 10_000;

type Raw = Record<string, any>;
const newestFirst = (a: { t: number; id: string }, b: { t: number; id: string }) => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** What the port answers about the application, in one plain object. */
export async function portAnswers(db: Storage, appId: string, sessionIds: string[], day: Date) {
  const activity = createActivityService(db.activity);
  const all = async (list: (cursor?: string) => Promise<{ items: Array<{ id: string; kind?: string }>; nextCursor: string | null }>) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      ids.push(...page.items.map((item) => `${item.kind ?? 'session'}:${item.id}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  };
  const sessionsOf = (status: 'all' | 'active' | 'completed', q = '') => all((cursor) => activity.sessions(appId, { status, q, limit: 7, cursor }));
  const chart = await db.activity.bucketCounts(appId, 'hour', [hourKey(day)]);
  const perSession: Raw = {};
  for (const id of sessionIds) {
    const session = (await db.repos.sessions.findById(id))!;
    perSession[id] = {
      status: session.status,
      chunkCount: session.chunkCount,
      eventCount: session.eventCount,
      bytes: session.bytes,
      maxSeq: await db.repos.recordings.maxSeq(id),
      chunks: (await db.repos.recordings.listChunks(id, 0, ALL)).map((chunk) => chunk.seq),
      messages: (await db.repos.messages.listAfter(id, 0, ALL)).map((message) => message.seq),
      messageCount: (await db.repos.conversations.find(id))!.messageCount,
      activeForVisitor: (await db.repos.sessions.findActiveForVisitor(appId, session.visitorId))?.id === id,
    };
  }
  return {
    counters: await db.activity.counters(appId),
    [`hour ${hourKey(day)}`]: { sessions: chart.sessions.get(hourKey(day)), prompts: chart.prompts.get(hourKey(day)) },
    'sessions all': await sessionsOf('all'),
    'sessions active': await sessionsOf('active'),
    'sessions completed': await sessionsOf('completed'),
    'search "/page-1"': await sessionsOf('all', '/page-1'),
    'feed all': await all((cursor) => activity.feed(appId, { filter: 'all', limit: 9, cursor })),
    conversations: (await db.repos.conversations.listActive(appId, 100)).map((c) => c.sessionId).sort(),
    'active (sweeps)': (await db.repos.sessions.listActive()).filter((s) => s.appId === appId).map((s) => s.id).sort(),
    sessions: perSession,
  };
}

/** The same, counted from the raw documents. */
export async function rawRecount(db: Storage, appId: string, sessionIds: string[], day: Date) {
  const raw: Record<string, Raw[]> = {};
  for await (const { collection, document } of db.documents()) (raw[collection] ??= []).push(document);
  const sessions = (raw.sessions ?? []).filter((s) => String(s.appId) === appId);
  const prompts = (raw.messages ?? []).filter((m) => String(m.appId) === appId && m.role === 'visitor');
  const key = (s: Raw, kind = 'session') => ({ t: new Date(kind === 'session' ? s.startedAt : s.createdAt).getTime(), id: String(s._id), kind });
  const ids = (list: Array<{ t: number; id: string; kind: string }>) => list.sort(newestFirst).map((e) => `${e.kind}:${e.id}`);
  const active = sessions.filter((s) => s.status === 'active');
  const inHour = (at: Date) => hourKey(new Date(at)) === hourKey(day) && dayKey(new Date(at)) === dayKey(day);
  const perSession: Raw = {};
  for (const id of sessionIds) {
    const session = sessions.find((s) => String(s._id) === id)!;
    const chunks = (raw.chunks ?? []).filter((c) => String(c.sessionId) === id);
    const messages = (raw.messages ?? []).filter((m) => String(m.sessionId) === id);
    const seqs = (list: Raw[]) => list.map((doc) => Number(doc.seq)).sort((a, b) => a - b);
    const visitor = (raw.visitors ?? []).find((v) => v._id === `${appId}:${session.visitorId}`);
    perSession[id] = {
      status: session.status,
      chunkCount: chunks.length,
      eventCount: chunks.reduce((sum, c) => sum + c.eventCount, 0),
      bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      maxSeq: Math.max(...chunks.map((c) => Number(c.seq))),
      chunks: seqs(chunks),
      messages: seqs(messages),
      messageCount: messages.length,
      activeForVisitor: session.status === 'active' && visitor?.activeSessionId === id,
    };
  }
  return {
    counters: { total: sessions.length, active: active.length, completed: sessions.length - active.length, events: sessions.reduce((sum, s) => sum + (s.eventCount ?? 0), 0) },
    [`hour ${hourKey(day)}`]: { sessions: sessions.filter((s) => inHour(s.startedAt)).length, prompts: prompts.filter((m) => inHour(m.createdAt)).length },
    'sessions all': ids(sessions.map((s) => key(s))),
    'sessions active': ids(active.map((s) => key(s))),
    'sessions completed': ids(sessions.filter((s) => s.status === 'completed').map((s) => key(s))),
    'search "/page-1"': ids(sessions.filter((s) => new URL(s.landingUrl).pathname.startsWith('/page-1')).map((s) => key(s))),
    'feed all': ids([...sessions.map((s) => key(s)), ...prompts.map((m) => key(m, 'prompt'))]),
    conversations: active.filter((s) => s.messageSeq > 0).map((s) => String(s._id)).sort(),
    'active (sweeps)': active.map((s) => String(s._id)).sort(),
    sessions: perSession,
  };
}

