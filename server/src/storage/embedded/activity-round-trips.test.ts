import mongoose, { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivityService, type ActivityService } from '../../activity/activity-service.js';
import type { FeedItem, Page } from '../../protocol/activity.js';
import { seedActivity } from '../../testing/seed-activity.js';
import { EMBEDDED, startTestServer, type TestServer } from '../../testing/test-server.js';
import { listCursors } from './list-cursors.js';

/**
 * A round trip to the embedded database costs a few milliseconds whatever it reads, so the budget of
 * a list page is mostly its number of queries. These tests count them (mongoose's debug hook sees
 * every collection call) for the pages the console asks for most.
 */
let server: TestServer;
let service: ActivityService;
const appId = new Types.ObjectId().toString();
let calls: string[] = [];

beforeAll(async () => {
  server = await startTestServer(EMBEDDED);
  // 700 sessions and ~2,000 prompts: several pages of every list.
  await seedActivity(server.db, { appId, sessions: 700, messagesPerSession: 6, now: new Date(), spanMs: 7 * 86_400_000, seed: 11, activeShare: 0.05 });
  service = createActivityService(server.db.activity);
  mongoose.set('debug', (collection: string, method: string) => calls.push(`${collection}.${method}`));
});

afterAll(async () => {
  mongoose.set('debug', false);
  await server?.close();
});

/** The collection calls `run` makes, counted by `collection.method`. */
async function queriesOf<T>(run: () => Promise<T>): Promise<{ result: T; queries: Record<string, number> }> {
  calls = [];
  const result = await run();
  const queries: Record<string, number> = {};
  for (const call of calls) queries[call] = (queries[call] ?? 0) + 1;
  return { result, queries };
}

const cursorOf = (page: Page<unknown>) => page.nextCursor!;
const resumed = (page: Page<unknown>) => Object.keys(listCursors.decode(page.nextCursor!)!.resume).sort();

describe('round trips of a list page', () => {
  it('a page of the feed reads its list documents in one query and its rows in one per collection, first page and by cursor', async () => {
    await service.feed(appId, { filter: 'all', limit: 25 }); // this process learns where the lists end
    const first = await queriesOf(() => service.feed(appId, { filter: 'all', limit: 25 }));
    expect(first.result.items).toHaveLength(25);
    expect(first.result.items.some((item) => item.kind === 'prompt')).toBe(true);
    expect(first.queries).toEqual({ 'activity_index.find': 1, 'sessions.find': 1, 'messages.find': 1 });

    // Deep in the lists, by the cursors the server gave out: no head, the pages named by the cursor.
    let page: Page<FeedItem> = first.result;
    const seen = new Set(page.items.map((item) => `${item.kind}:${item.id}`));
    for (let n = 0; n < 6; n++) {
      const next = await queriesOf(() => service.feed(appId, { filter: 'all', limit: 25, cursor: cursorOf(page) }));
      expect(resumed(next.result)).toEqual(['prompts', 'sessions']);
      expect(next.queries).toEqual({ 'activity_index.find': 1, 'sessions.find': 1, 'messages.find': 1 });
      for (const item of next.result.items) {
        expect(seen.has(`${item.kind}:${item.id}`)).toBe(false);
        seen.add(`${item.kind}:${item.id}`);
      }
      page = next.result;
    }
  });

  it('a page of the Sessions list is one query for its list and one for its rows; a cursor that lost its page hints still works', async () => {
    const first = await service.sessions(appId, { status: 'all', q: '', limit: 25 });
    const second = await queriesOf(() => service.sessions(appId, { status: 'all', q: '', limit: 25, cursor: cursorOf(first) }));
    expect(second.queries).toEqual({ 'activity_index.find': 1, 'sessions.find': 1 });
    const bare = listCursors.encode({ ...listCursors.decode(cursorOf(first))!, resume: {} });
    const slow = await queriesOf(() => service.sessions(appId, { status: 'all', q: '', limit: 25, cursor: bare }));
    expect(slow.result.items.map((row) => row.id)).toEqual(second.result.items.map((row) => row.id));
    // Without its page the cursor's position is searched for: the head, then pages one at a time.
    expect(slow.queries['activity_index.find']).toBeGreaterThan(2);
  });
});
