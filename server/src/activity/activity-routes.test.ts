import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedItem, SessionRow } from '../protocol/activity.js';
import { HttpClient } from '../testing/http-client.js';
import { seedActivity, type SeedResult } from '../testing/seed-activity.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const DAY_MS = 24 * 60 * 60_000;
let server: TestServer;
let owner: HttpClient;
let appA: string;
let appB: string;
let seeded: SeedResult;

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  appA = (await owner.request('POST', '/api/apps', { name: 'Shop A' })).json.data.app.id;
  appB = (await owner.request('POST', '/api/apps', { name: 'Shop B' })).json.data.app.id;
  const now = new Date(Date.now() - 1000);
  seeded = await seedActivity(server.db, { appId: appA, sessions: 240, messagesPerSession: 2, now, spanMs: 40 * DAY_MS, seed: 7 });
  // Noise in another application that must never show up in A's answers.
  await seedActivity(server.db, { appId: appB, sessions: 60, messagesPerSession: 2, now, spanMs: 40 * DAY_MS, seed: 99 });
});
afterAll(() => server?.close());

/** Newest first, id breaking ties: the order every list promises. */
const byNewest = <T extends { t: number; id: string }>(a: T, b: T) => b.t - a.t || (a.id < b.id ? 1 : -1);

async function pageThrough<T>(path: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await owner.request('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    items.push(...res.json.data.items);
    cursor = res.json.data.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { items, pages };
}

describe('sessions list', () => {
  for (const status of ['all', 'active', 'completed'] as const) {
    it(`filter ${status}: every matching session once, newest first, across cursor pages`, async () => {
      const expected = seeded.sessions
        .filter((s) => status === 'all' || s.status === status)
        .map((s) => ({ t: s.startedAt.getTime(), id: s.id }))
        .sort(byNewest)
        .map((s) => s.id);
      const { items, pages } = await pageThrough<SessionRow>(`/api/apps/${appA}/sessions?status=${status}`, 17);
      expect(items.map((row) => row.id)).toEqual(expected);
      expect(pages).toBeGreaterThan(1);
      expect(new Set(items.map((row) => row.status))).toEqual(new Set(status === 'all' ? ['active', 'completed'] : [status]));
    });
  }

  it('rows carry what the page shows, and say whether replay data exists', async () => {
    const res = await owner.request('GET', `/api/apps/${appA}/sessions?limit=200`);
    for (const row of res.json.data.items as SessionRow[]) {
      const source = seeded.sessions.find((s) => s.id === row.id)!;
      expect(row).toMatchObject({
        landingUrl: source.landingUrl,
        eventCount: source.eventCount,
        pageCount: source.pageCount,
        visitorId: source.visitorId,
        status: source.status,
        startedAt: source.startedAt.toISOString(),
        hasReplay: source.chunkCount > 0,
        messageCount: source.messageCount,
      });
    }
    expect((res.json.data.items as SessionRow[]).some((row) => !row.hasReplay)).toBe(true);
  });

  it('searches by URL and by visitor, case-insensitively, with regex characters taken literally', async () => {
    const byUrl = await pageThrough<SessionRow>(`/api/apps/${appA}/sessions?q=${encodeURIComponent('/CHECKOUT')}`, 50);
    const expectedUrl = seeded.sessions.filter((s) => s.landingUrl.includes('/checkout')).map((s) => s.id);
    expect(byUrl.items.map((r) => r.id).sort()).toEqual(expectedUrl.sort());
    expect(expectedUrl.length).toBeGreaterThan(0);

    const visitor = seeded.sessions[3].visitorId;
    const byVisitor = await pageThrough<SessionRow>(`/api/apps/${appA}/sessions?q=${visitor}&status=all`, 50);
    const expectedVisitor = seeded.sessions.filter((s) => s.visitorId.includes(visitor)).map((s) => s.id);
    expect(byVisitor.items.map((r) => r.id).sort()).toEqual(expectedVisitor.sort());

    const literal = await owner.request('GET', `/api/apps/${appA}/sessions?q=${encodeURIComponent('.*')}`);
    expect(literal.json.data.items).toEqual([]);
  });

  it('refuses a forged cursor and an out-of-range limit with E_INVALID_PAYLOAD', async () => {
    for (const query of ['cursor=not-a-cursor', `cursor=${Buffer.from('{"t":-1,"id":"x"}').toString('base64url')}`, 'limit=0', 'limit=5000', 'status=paused', 'q[$ne]=1']) {
      const res = await owner.request('GET', `/api/apps/${appA}/sessions?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe('E_INVALID_PAYLOAD');
    }
  });
});

describe('counters', () => {
  it('equal a brute-force count over the seeded sessions of this application only', async () => {
    const res = await owner.request('GET', `/api/apps/${appA}/counters`);
    expect(res.json.data.counters).toEqual({
      total: seeded.sessions.length,
      active: seeded.sessions.filter((s) => s.status === 'active').length,
      completed: seeded.sessions.filter((s) => s.status === 'completed').length,
      events: seeded.sessions.reduce((sum, s) => sum + s.eventCount, 0),
    });
  });
});

describe('activity feed', () => {
  const expectedFeed = (filter: 'all' | 'prompts' | 'sessions') => {
    const sessions = filter === 'prompts' ? [] : seeded.sessions.map((s) => ({ t: s.startedAt.getTime(), id: s.id, kind: 'session' }));
    const prompts =
      filter === 'sessions'
        ? []
        : seeded.messages.filter((m) => m.role === 'visitor').map((m) => ({ t: m.createdAt.getTime(), id: m.id, kind: 'prompt' }));
    return [...sessions, ...prompts].sort(byNewest).map((item) => `${item.kind}:${item.id}`);
  };

  for (const filter of ['all', 'prompts', 'sessions'] as const) {
    it(`filter ${filter}: prompts and sessions mixed as asked, newest first, across cursor pages`, async () => {
      const { items, pages } = await pageThrough<FeedItem>(`/api/apps/${appA}/activity?filter=${filter}`, 40);
      expect(items.map((item) => `${item.kind}:${item.id}`)).toEqual(expectedFeed(filter));
      expect(pages).toBeGreaterThan(2);
    });
  }

  it('a prompt tells who answered it (AI, agent or still waiting) and which session it belongs to', async () => {
    const { items } = await pageThrough<FeedItem>(`/api/apps/${appA}/activity?filter=prompts`, 200);
    const answered = new Set<string>();
    for (const item of items) {
      if (item.kind !== 'prompt') throw new Error('a session in the prompts filter');
      const source = seeded.messages.find((m) => m.id === item.id)!;
      const session = seeded.sessions.find((s) => s.id === source.sessionId)!;
      expect(item).toMatchObject({ text: source.text, sessionId: session.id, answeredBy: source.answeredBy ?? 'waiting' });
      expect(item.session).toEqual({ landingUrl: session.landingUrl, status: session.status, hasReplay: session.chunkCount > 0 });
      answered.add(item.answeredBy);
    }
    expect(answered).toEqual(new Set(['ai', 'agent', 'waiting']));
  });
});

describe('chart', () => {
  for (const range of ['24h', '7d', '30d'] as const) {
    it(`range ${range}: buckets equal a brute-force bucketing of start and send times`, async () => {
      const res = await owner.request('GET', `/api/apps/${appA}/activity/chart?range=${range}`);
      const chart = res.json.data.chart;
      const bucketMs = range === '24h' ? 60 * 60_000 : DAY_MS;
      expect(chart.keys).toHaveLength(range === '24h' ? 24 : range === '7d' ? 7 : 30);
      expect(chart.unit).toBe(range === '24h' ? 'hour' : 'day');
      const startOf = (key: string) => Date.parse(range === '24h' ? `${key}:00:00Z` : `${key}T00:00:00Z`);
      const count = (times: number[]) =>
        chart.keys.map((key: string) => times.filter((t) => t >= startOf(key) && t < startOf(key) + bucketMs).length);
      expect(chart.sessions).toEqual(count(seeded.sessions.map((s) => s.startedAt.getTime())));
      expect(chart.prompts).toEqual(count(seeded.messages.filter((m) => m.role === 'visitor').map((m) => m.createdAt.getTime())));
      expect(chart.sessions.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(0);
    });
  }
});
