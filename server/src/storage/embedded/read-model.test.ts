import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityCounters, ChartBuckets, FeedItem, SessionRow } from '../../protocol/activity.js';
import { dayKey, hourKey } from '../../protocol/utc-buckets.js';
import type { SignalType } from '../../protocol/insights.js';
import { internalsOf } from '../internals.js';
import type { EmbeddedInternals } from './embedded-storage.js';
import { MAX_VISITOR_SESSIONS } from '../visitor-model.js';
import { listReader } from './list-reader.js';
import { ensureReadModel } from './migration.js';
import { pagedLists } from './paged-list.js';
import { listNames } from './read-model-keys.js';
import { rebuildReadModel, writeReadModel } from './rebuild.js';
import { HttpClient } from '../../testing/http-client.js';
import { seedActivity } from '../../testing/seed-activity.js';
import { EMBEDDED, startTestServer, type TestServer } from '../../testing/test-server.js';
import { command, connectVisitor, handshake } from '../../testing/visitor-client.js';

/**
 * The embedded read model (read-model-keys.ts): counters, buckets, sets and list pages kept in step by
 * the live write paths, equal to a brute-force rebuild from raw data, and consistent after retention
 * and erasure. activity-routes.test.ts checks the answers against brute-force counts of seeds.
 */

const DAY_MS = 24 * 60 * 60_000;
let server: TestServer;
let owner: HttpClient;
let app: { id: string; key: string };
const sockets: Array<{ close(): void }> = [];
const internals = () => internalsOf<EmbeddedInternals>(server.db);
const models = () => internals().models;
const collection = () => models().ReadModel.collection;
const flush = () => internals().readModel.flush();
const rebuild = (appId: string) => rebuildReadModel(models(), collection(), appId);

beforeAll(async () => {
  server = await startTestServer(EMBEDDED);
  owner = new HttpClient(server.url);
  await owner.signIn();
  const created = (await owner.request('POST', '/api/apps', { name: 'Live shop', allowedOrigins: ['https://shop.example.com'] })).json.data.app;
  app = { id: created.id, key: created.publicKey };
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

async function visitor(url = 'https://shop.example.com/live') {
  const socket = connectVisitor(server.url, { key: app.key }, 'https://shop.example.com');
  sockets.push(socket);
  const ready = await handshake(socket);
  if (!ready.ok) throw new Error(ready.error.code);
  const ack = await command<{ data: { session: { id: string } } }>(socket, 'session:start', { url, viewport: { width: 1, height: 1 } });
  return { socket, sessionId: ack.data.session.id };
}

const get = async <T>(path: string): Promise<T> => {
  const res = await owner.request('GET', `/api/apps/${app.id}/${path}`);
  expect(res.status, res.text).toBe(200);
  return res.json.data as T;
};
const counters = async () => (await get<{ counters: ActivityCounters }>('counters')).counters;
const chart = async (range: string) => (await get<{ chart: ChartBuckets }>(`activity/chart?range=${range}`)).chart;
const bucketOf = (c: ChartBuckets, key: string) => ({ sessions: c.sessions[c.keys.indexOf(key)], prompts: c.prompts[c.keys.indexOf(key)] });

/** Everything the console can ask for, to compare the live index with a rebuilt one. */
async function snapshot() {
  await flush(); // search and signal lists are written a moment later
  const list = async (path: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string; kind?: string; status?: string }>; nextCursor: string | null } = await get(`${path}&limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.items.map((item) => `${item.kind ?? 'session'}:${item.id}:${item.status ?? ''}`));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };
  return {
    counters: await counters(),
    charts: await Promise.all(['24h', '7d', '30d'].map(chart)),
    sessions: await Promise.all(['all', 'active', 'completed'].map((status) => list(`sessions?status=${status}`))),
    feed: await Promise.all(['all', 'prompts', 'sessions'].map((filter) => list(`activity?filter=${filter}`))),
    search: await Promise.all(['shop.example.com/live', '/CHECK', 'v0'].map((q) => list(`sessions?q=${encodeURIComponent(q)}`))),
    conversations: (await server.db.repos.conversations.listActive(app.id, 100)).map((c) => `${c.sessionId}:${c.lastMessageText}`),
    signals: await Promise.all(['sessions?signal=handoff_requested', 'activity?filter=all&signal=handoff_requested'].map((path) => list(path))),
  };
}

describe('live updates of counters, buckets and lists', () => {
  it('a new session counts as total and active, bumps its hour and day, and leads the lists', async () => {
    const before = await counters();
    const now = new Date();
    const [hourBefore, dayBefore] = [bucketOf(await chart('24h'), hourKey(now)), bucketOf(await chart('7d'), dayKey(now))];
    const { sessionId } = await visitor();
    expect(await counters()).toEqual({ ...before, total: before.total + 1, active: before.active + 1 });
    expect(bucketOf(await chart('24h'), hourKey(now)).sessions).toBe(hourBefore.sessions + 1);
    expect(bucketOf(await chart('7d'), dayKey(now)).sessions).toBe(dayBefore.sessions + 1);
    expect((await get<{ items: SessionRow[] }>('sessions?status=active')).items[0]).toMatchObject({ id: sessionId, status: 'active' });
    expect((await get<{ items: FeedItem[] }>('activity?filter=all')).items[0]).toMatchObject({ kind: 'session', id: sessionId });
  });

  it('a completed session moves from active to completed in the counters and the filtered lists', async () => {
    const { socket, sessionId } = await visitor();
    await command(socket, 'chat:send', { text: 'about to leave', clientId: 'index-test-0004' });
    expect((await server.db.repos.conversations.listActive(app.id, 100))[0]?.sessionId).toBe(sessionId);
    const before = await counters();
    await command(socket, 'session:end', {});
    expect((await server.db.repos.conversations.listActive(app.id, 100)).map((c) => c.sessionId)).not.toContain(sessionId);
    expect(await counters()).toEqual({ ...before, active: before.active - 1, completed: before.completed + 1 });
    const active = await get<{ items: SessionRow[] }>('sessions?status=active');
    expect(active.items.map((row) => row.id)).not.toContain(sessionId);
    const completed = await get<{ items: SessionRow[] }>('sessions?status=completed');
    expect(completed.items[0]).toMatchObject({ id: sessionId, status: 'completed' });
  });

  it('a new prompt bumps the prompt buckets and leads the prompts feed', async () => {
    const { socket, sessionId } = await visitor();
    const now = new Date();
    const hourBefore = bucketOf(await chart('24h'), hourKey(now));
    const sent = await command<{ data?: unknown }>(socket, 'chat:send', { text: 'where is my order?', clientId: 'index-test-0001' });
    expect(sent.data).toBeDefined();
    expect(bucketOf(await chart('24h'), hourKey(now)).prompts).toBe(hourBefore.prompts + 1);
    const feed = await get<{ items: FeedItem[] }>('activity?filter=prompts');
    expect(feed.items[0]).toMatchObject({ kind: 'prompt', sessionId, text: 'where is my order?' });
  });

  it('recorded events add to the events counter at once (increments are coalesced, reads include them)', async () => {
    const { sessionId } = await visitor();
    const before = await counters();
    await server.db.repos.recordings.addToSession(sessionId, { seq: 1, events: 37, bytes: 100, at: new Date() });
    await server.db.repos.recordings.addToSession(sessionId, { seq: 2, events: 5, bytes: 100, at: new Date() });
    expect((await counters()).events).toBe(before.events + 42);
  });

  it('after all of that the live index answers exactly what a brute-force rebuild from raw data answers', async () => {
    await seedActivity(server.db, { appId: app.id, sessions: 30, messagesPerSession: 2, now: new Date(Date.now() - 1000), spanMs: 40 * DAY_MS, seed: 3 });
    const { socket, sessionId } = await visitor();
    await command(socket, 'chat:send', { text: 'one more', clientId: 'index-test-0002' });
    await visitor();
    await markSignals(sessionId, ['handoff_requested']);
    const live = await snapshot();
    expect(live.signals[1]).toContain(`session:${sessionId}:active`);
    // The agents' Conversations list: active sessions with messages, the latest message first.
    expect(live.conversations[0]).toMatch(new RegExp(`^${sessionId}:`));
    await flush();
    await rebuild(app.id);
    expect(await snapshot()).toEqual(live);
    expect(live.counters.total).toBe(await models().Session.countDocuments({ appId: app.id }));
  });
});

describe('building the index', () => {
  it('builds every application once when the marker is missing (a database from before the index)', async () => {
    const before = await snapshot();
    await flush();
    await collection().deleteMany({});
    expect(await counters()).toEqual({ total: 0, active: 0, completed: 0, events: 0 });
    await ensureReadModel(models());
    expect(await snapshot()).toEqual(before);
  });

  it('rebuilds an application whose index has more documents than one SQL statement can delete', async () => {
    const appId = '0123456789abcdef0123eeee';
    const Index = collection();
    // Past SQLite's 32,766 variables: FerretDB deletes what one filter matched in a single statement.
    const stale = Array.from({ length: 33_000 }, (_, i) => ({ _id: `${appId}:tri:${i.toString(16)}:0`, appId, items: '' }));
    for (let i = 0; i < stale.length; i += 5_000) await Index.insertMany(stale.slice(i, i + 5_000) as never[]);
    await writeReadModel(collection(), appId, { sessions: [{ t: Date.parse('2026-11-02T10:00:00Z'), id: 'aaaaaaaaaaaaaaaaaaaaaaab', status: 'completed', eventCount: 3 }], prompts: [] });
    expect(await Index.countDocuments({ appId, _id: { $in: stale.slice(0, 500).map((doc) => doc._id) } } as never)).toBe(0);
    expect(await Index.countDocuments({ appId })).toBeLessThan(20);
    expect((await Index.findOne({ _id: `${appId}:counters` } as never))?.total).toBe(1);
  });

  it('keeps list pages in (time, id) order when entries arrive out of order, across many pages', async () => {
    const lists = pagedLists(collection());
    const appId = '0123456789abcdef0123abcd';
    const base = Date.parse('2026-11-01T00:00:00Z');
    // 230 entries (3 pages) written in a shuffled order, several sharing a time.
    const entries = Array.from({ length: 230 }, (_, i) => ({ t: base + Math.floor(i / 3) * 1000, id: (0xabc000 + i).toString(16).padStart(24, '0') }));
    const shuffled = [...entries].sort((a, b) => ((a.t * 7919 + Number.parseInt(a.id, 16)) % 97) - ((b.t * 7919 + Number.parseInt(b.id, 16)) % 97));
    const sessionId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    for (const entry of shuffled) await lists.append(appId, listNames.prompts, [{ ...entry, ref: sessionId }]);
    const newestFirst = [...entries].reverse().map((entry) => ({ ...entry, ref: sessionId }));
    const reader = listReader(collection());
    const read = async (before?: { t: number; id: string }, hint?: number) => {
      const seen = [];
      for await (const entry of reader.entries(appId, 'prompts', before, { hint })) seen.push(entry);
      return seen;
    };
    const positioned = await read();
    expect(positioned.map(({ t, id, ref }) => ({ t, id, ref }))).toEqual(newestFirst);
    const from = async (before?: { t: number; id: string }, hint?: number) => (await read(before, hint)).map(({ t, id, ref }) => ({ t, id, ref }));
    const ats = [0, 1, 99, 100, 150, 228, 229];
    for (const at of ats) expect(await from(newestFirst[at])).toEqual(newestFirst.slice(at + 1));
    // Each entry names its page: a cursor there reads from it without the head (gone here), and a
    // wrong page is caught and falls back to the head (gone: nothing read).
    const Index = collection();
    const head = await Index.findOne({ _id: `${appId}:prompts:head` } as never);
    expect(head?.pages).toBeGreaterThan(1);
    await Index.deleteOne({ _id: `${appId}:prompts:head` } as never);
    for (const at of ats) expect(await from(newestFirst[at], positioned[at].page!)).toEqual(newestFirst.slice(at + 1));
    expect(await from(newestFirst[150], positioned[150].page! + 1)).toEqual([]);
    expect(await from(newestFirst[150], 7)).toEqual([]);
    await Index.insertOne(head as never);
    for (const hint of [0, 2, 7, 1_000]) expect(await from(newestFirst[150], hint)).toEqual(newestFirst.slice(151));
  });
});

describe('retention and erasure keep the index consistent', () => {
  it('erasing a visitor takes their sessions and prompts out of the counters, buckets and lists', async () => {
    const { socket, sessionId } = await visitor();
    await command(socket, 'chat:send', { text: 'erase me later', clientId: 'index-test-0003' });
    const rows = await get<{ items: SessionRow[] }>('sessions?status=active');
    const visitorId = rows.items.find((row) => row.id === sessionId)!.visitorId;
    const erased = await owner.request('DELETE', `/api/apps/${app.id}/visitors/${visitorId}`);
    expect(erased.status, erased.text).toBe(200);
    const after = await snapshot();
    expect(after.sessions[0].some((entry) => entry.includes(sessionId))).toBe(false);
    expect(after.feed[1].length).toBe(await models().Message.countDocuments({ appId: app.id, role: 'visitor' }));
    await flush();
    await rebuild(app.id);
    expect(await snapshot()).toEqual(after);
  }, 90_000);
});

/** Stores insights through the insights job's own store: the session and its prompts join the signal lists. */
async function markSignals(sessionId: string, signals: SignalType[]) {
  const session = (await server.db.repos.sessions.findById(sessionId))!;
  const insights = { status: 'ready' as const, computedAt: new Date(), signals: [], summary: null };
  await server.db.insights.save(session, insights, signals);
}

/** Every page of a list; the ids of its sessions and prompts, and how many pages it took. */
async function pageThrough(path: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: Array<{ id: string; kind?: string; signals?: string[] }>; nextCursor: string | null } = await get(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((item) => `${item.kind ?? 'session'}:${item.id}`));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { ids, pages };
}

const newestFirst = (a: { t: number; id: string }, b: { t: number; id: string }) => b.t - a.t || (a.id < b.id ? 1 : -1);

describe('signal filter', () => {
  it('reads the lists the insights job writes: the marked sessions and their prompts, page by page, and none that lost the signal', async () => {
    const seeded = await seedActivity(server.db, { appId: app.id, sessions: 450, messagesPerSession: 1, now: new Date(Date.now() - 1000), spanMs: 40 * DAY_MS, seed: 11 });
    const marked = seeded.sessions.filter((_, i) => i % 18 === 5);
    for (const session of marked) await markSignals(session.id, ['rage_click', 'js_error']);
    await flush();
    const sessionEntries = marked.map((s) => ({ t: s.startedAt.getTime(), id: s.id, key: `session:${s.id}` }));
    const markedIds = new Set(marked.map((s) => s.id));
    const promptEntries = seeded.messages
      .filter((m) => m.role === 'visitor' && markedIds.has(m.sessionId))
      .map((m) => ({ t: m.createdAt.getTime(), id: m.id, key: `prompt:${m.id}` }));
    const expected = sessionEntries.sort(newestFirst).map((e) => e.key);

    const listed = await pageThrough('sessions?signal=rage_click&limit=10');
    expect(listed.ids).toEqual(expected);
    // The signal's own list: full pages, where a walk over all 450 sessions came back short.
    expect(listed.pages).toBe(Math.ceil(marked.length / 10) + (marked.length % 10 === 0 ? 1 : 0));
    const completed = marked.filter((s) => s.status === 'completed').map((s) => `session:${s.id}`);
    expect((await pageThrough('sessions?signal=js_error&status=completed&limit=10')).ids).toEqual(expected.filter((key) => completed.includes(key)));
    expect((await pageThrough('activity?filter=sessions&signal=rage_click&limit=10')).ids).toEqual(expected);
    expect(promptEntries.length).toBeGreaterThan(0);
    expect((await pageThrough('activity?filter=prompts&signal=rage_click&limit=10')).ids).toEqual(promptEntries.sort(newestFirst).map((e) => e.key));
    expect((await pageThrough('activity?filter=all&signal=rage_click&limit=10')).ids).toEqual([...sessionEntries, ...promptEntries].sort(newestFirst).map((e) => e.key));

    // Recomputed without the signal: still in the list, no longer shown.
    await markSignals(marked[0].id, ['js_error']);
    expect((await pageThrough('sessions?signal=rage_click&limit=10')).ids).not.toContain(`session:${marked[0].id}`);
    expect((await pageThrough('sessions?signal=js_error&limit=10')).ids).toContain(`session:${marked[0].id}`);

    expect((await get<{ items: unknown[]; nextCursor: string | null }>('sessions?signal=dead_click'))).toEqual({ items: [], nextCursor: null });
    const bad = await owner.request('GET', `/api/apps/${app.id}/sessions?signal=not_a_signal`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('E_INVALID_PAYLOAD');
  }, 90_000);
});

describe('search', () => {
  it('finds a new session by its landing page and, once the visitor identifies, by name and email', async () => {
    const { sessionId } = await visitor('https://shop.example.com/Search-Me/unique-path?utm_source=x');
    await flush();
    const found = async (q: string) => (await pageThrough(`sessions?q=${encodeURIComponent(q)}`)).ids;
    expect(await found('search-me/UNIQUE')).toEqual([`session:${sessionId}`]);
    // The domain and path are searched, as the row shows them; not the query string.
    expect(await found('utm_source')).toEqual([]);
    expect(await found('zoë')).toEqual([]);
    await server.db.repos.conversations.setIdentity(sessionId, { name: 'Zoë Searchwell', email: 'zoe.sw@example.net', verified: false });
    await flush();
    expect(await found('zoë SEARCH')).toEqual([`session:${sessionId}`]);
    expect(await found('zoe.sw@')).toEqual([`session:${sessionId}`]);
  });

  it('reads the rarest trigram\'s list: a rare visitor is found on one page, a query with an unknown trigram reads nothing', async () => {
    const seeded = await seedActivity(server.db, { appId: app.id, sessions: 450, messagesPerSession: 0, now: new Date(Date.now() - 1000), spanMs: 40 * DAY_MS, seed: 12 });
    const visitorId = seeded.sessions[400].visitorId;
    const all = await models().Session.find({ appId: app.id }, { visitorId: 1, visitorName: 1, visitorEmail: 1, landingUrl: 1, startedAt: 1 }).lean();
    const expected = all
      .filter((s) => [s.visitorId, s.visitorName, s.visitorEmail].some((field) => (field ?? '').toLowerCase().includes(visitorId)))
      .map((s) => ({ t: s.startedAt.getTime(), id: String(s._id) }))
      .sort(newestFirst)
      .map((e) => `session:${e.id}`);
    const byVisitor = await get<{ items: SessionRow[]; nextCursor: string | null }>(`sessions?q=${visitorId.toUpperCase()}&limit=50`);
    expect(byVisitor.items.map((row) => `session:${row.id}`)).toEqual(expected);
    expect(byVisitor.nextCursor).toBeNull();
    expect(await get('sessions?q=qqqzzz')).toEqual({ items: [], nextCursor: null });
    // Two characters have no list: the walk over every session still finds all, page by page.
    const short = await pageThrough(`sessions?q=${encodeURIComponent('/c')}&limit=50`);
    const brute = all.filter((s) => new URL(s.landingUrl!).pathname.toLowerCase().includes('/c')).length;
    expect(short.ids.length).toBe(brute);
  }, 90_000);
});

describe('list writer', () => {
  it('batched, shuffled entries land in (time, id) order across pages, each once', async () => {
    const lists = pagedLists(collection());
    const appId = '0123456789abcdef0123dcba';
    const base = Date.parse('2026-10-01T00:00:00Z');
    const sessions = Array.from({ length: 260 }, (_, i) => ({ appId, startedAt: new Date(base + Math.floor(i / 2) * 1000), id: (0xdef000 + i).toString(16).padStart(24, '0') }));
    const shuffled = [...sessions].sort((a, b) => ((Number.parseInt(a.id, 16) * 7919) % 89) - ((Number.parseInt(b.id, 16) * 7919) % 89));
    for (let i = 0; i < shuffled.length; i++) {
      lists.defer(appId, listNames.trigram('sam'), [{ t: shuffled[i].startedAt.getTime(), id: shuffled[i].id }]);
      if (i % 37 === 36) await lists.flush(); // several batches, the later ones partly older than the newest page
    }
    lists.defer(appId, listNames.trigram('sam'), [{ t: shuffled[3].startedAt.getTime(), id: shuffled[3].id }]); // listed already: not twice
    await lists.flush();
    const seen = [];
    for await (const { t, id } of listReader(collection()).entries(appId, listNames.trigram('sam'))) seen.push({ t, id });
    expect(seen).toEqual(sessions.map((s) => ({ t: s.startedAt.getTime(), id: s.id })).sort(newestFirst));
  });
});

describe("a visitor's list of sessions", () => {
  it(`is trimmed back to the newest ${MAX_VISITOR_SESSIONS} once it holds twice as many, by compare-and-set`, async () => {
    const visitorId = 'visitor-with-many-sessions';
    const ids: string[] = [];
    for (let i = 0; i <= 2 * MAX_VISITOR_SESSIONS + 1; i++) {
      ids.push((await server.db.repos.sessions.create({ appId: app.id, visitorId, startedAt: new Date(Date.now() - 1000 + i), landingUrl: 'https://shop.example.com/', userAgent: 'T', viewport: { width: 1, height: 1 } })).id);
    }
    const visitor = await models().Visitor.findById(`${app.id}:${visitorId}`).lean();
    // Trimmed when the 41st arrived (to the newest 20), then one more.
    expect(visitor?.sessionIds).toEqual(ids.slice(-(MAX_VISITOR_SESSIONS + 1)));
  });
});

