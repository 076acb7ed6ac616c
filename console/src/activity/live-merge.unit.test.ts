import { describe, expect, it } from 'vitest';
import type { FeedItem, SessionRow } from '../../../server/src/protocol/activity.js';
import { durationLabel, landingLabel, relativeTime } from './format.js';
import { appendPage, applyPrompt, applySession, mergeHead, type AnnouncedSession } from './live-merge.js';

const row = (n: number): SessionRow => ({
  id: `65a0000000000000000000${String(n).padStart(2, '0')}`,
  visitorId: 'v',
  visitorName: '',
  status: 'completed',
  startedAt: new Date(Date.UTC(2026, 10, 22, 0, n)).toISOString(),
  endedAt: null,
  lastActivityAt: new Date(Date.UTC(2026, 10, 22, 0, n)).toISOString(),
  landingUrl: '',
  pageCount: 1,
  eventCount: 0,
  messageCount: 0,
  hasReplay: false,
  signals: [],
  summary: null,
});
const newestFirst = (ns: number[]) => ns.map(row);

describe('mergeHead', () => {
  it('puts a refetched top page over what was loaded and keeps the rows below it with their cursor', () => {
    const loaded = newestFirst([10, 9, 8, 7, 6, 5]);
    const head = { items: [{ ...row(11) }, { ...row(10), status: 'active' as const }, row(9)], nextCursor: 'c-head' };
    const merged = mergeHead(head, loaded, 'c-loaded');
    expect(merged.items.map((r) => r.id)).toEqual(newestFirst([11, 10, 9, 8, 7, 6, 5]).map((r) => r.id));
    expect(merged.items[1].status).toBe('active');
    expect(merged.nextCursor).toBe('c-loaded');
  });

  it('takes the head alone when it reached the end of the list', () => {
    const merged = mergeHead({ items: newestFirst([3, 2]), nextCursor: null }, newestFirst([2, 1]), 'stale');
    expect(merged).toEqual({ items: newestFirst([3, 2]), nextCursor: null });
  });
});

describe('appendPage', () => {
  it('drops rows already shown (a live insert shifted the page border)', () => {
    const merged = appendPage(newestFirst([9, 8, 7]), { items: newestFirst([7, 6, 5]), nextCursor: 'next' });
    expect(merged.items.map((r) => r.id)).toEqual(newestFirst([9, 8, 7, 6, 5]).map((r) => r.id));
    expect(merged.nextCursor).toBe('next');
  });
});

describe('applySession', () => {
  const announced = (n: number, status: 'active' | 'completed'): AnnouncedSession => ({
    ...row(n),
    status,
    endedAt: status === 'completed' ? new Date(Date.UTC(2026, 10, 22, 1, n)).toISOString() : null,
    eventCount: 42,
    chunkCount: 1,
  });
  const all = () => true;

  it('turns a listed session Completed at once, with its new counts', () => {
    const rows = newestFirst([5, 4, 3]).map((r) => ({ ...r, status: 'active' as const, messageCount: 3 }));
    const next = applySession(rows, announced(4, 'completed'), (r) => r, all);
    expect(next.map((r) => r.status)).toEqual(['active', 'completed', 'active']);
    expect(next[1]).toMatchObject({ eventCount: 42, hasReplay: true, messageCount: 3 });
  });

  it('drops a session the filter no longer lists, and puts a new one on top when the filter lists it', () => {
    const onlyActive = (r: SessionRow) => r.status === 'active';
    const rows = newestFirst([5, 4]).map((r) => ({ ...r, status: 'active' as const }));
    expect(applySession(rows, announced(4, 'completed'), (r) => r, onlyActive).map((r) => r.id)).toEqual([row(5).id]);
    expect(applySession(rows, announced(6, 'active'), (r) => r, onlyActive).map((r) => r.id)).toEqual([row(6).id, row(5).id, row(4).id]);
    expect(applySession(rows, announced(6, 'completed'), (r) => r, onlyActive)).toBe(rows);
    // An old session that is not listed stays off the top (it belongs further down).
    expect(applySession(rows, announced(1, 'active'), (r) => r, all)).toBe(rows);
  });

  it('wraps a session as a feed item and leaves prompts alone', () => {
    const feed: FeedItem[] = [{ kind: 'prompt', id: row(9).id, sessionId: row(9).id, visitorId: 'v', text: 'hi', createdAt: row(9).startedAt, answeredBy: 'waiting', session: null }];
    const next = applySession(feed, announced(10, 'active'), (r): FeedItem => ({ kind: 'session', ...r }), all);
    expect(next.map((item) => `${item.kind}:${item.id}`)).toEqual([`session:${row(10).id}`, `prompt:${row(9).id}`]);
  });
});

describe('applyPrompt', () => {
  it('puts a new prompt on top once, and never above newer rows', () => {
    const feed: FeedItem[] = newestFirst([5, 4]).map((r): FeedItem => ({ kind: 'session', ...r }));
    const prompt = { id: row(6).id, sessionId: row(5).id, visitorId: 'v', text: 'hello', createdAt: row(6).startedAt, answeredBy: 'waiting' as const, session: null };
    const once = applyPrompt(feed, prompt);
    expect(once.map((item) => `${item.kind}:${item.id}`)).toEqual([`prompt:${row(6).id}`, `session:${row(5).id}`, `session:${row(4).id}`]);
    expect(applyPrompt(once, prompt)).toBe(once);
    expect(applyPrompt(feed, { ...prompt, id: row(3).id, createdAt: row(3).startedAt })).toBe(feed);
  });
});

describe('format', () => {
  it('writes a landing URL as domain and path', () => {
    expect(landingLabel('https://shop.example.com:8443/a/b?q=1#x')).toBe('shop.example.com:8443/a/b');
    expect(landingLabel('https://shop.example.com')).toBe('shop.example.com/');
    expect(landingLabel('not a url')).toBe('not a url');
  });

  it('writes relative times and durations', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(relativeTime('2026-11-22T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2026-11-22T11:00:00Z', now)).toBe('1 hour ago');
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe('2 days ago');
    expect(durationLabel('2026-11-22T11:00:00Z', '2026-11-22T12:02:00Z')).toBe('1h 02m');
    expect(durationLabel('2026-11-22T11:59:18Z', null, now)).toBe('42s');
  });
});
