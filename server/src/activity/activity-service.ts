import {
  encodeCursor,
  type ActivityCounters,
  type ChartBuckets,
  type ChartRange,
  type FeedItem,
  type FeedQuery,
  type Page,
  type SessionRow,
  type SessionsQuery,
} from '../protocol/activity.js';
import type { ActivityQueries } from '../storage/activity-queries.js';
import { chartKeys } from './chart-range.js';

/** Time and id of a feed row: the order of every list here (newest first, id breaks ties). */
const timeOf = (item: FeedItem) => Date.parse(item.kind === 'session' ? item.startedAt : item.createdAt);

function newestFirst(a: FeedItem, b: FeedItem): number {
  return timeOf(b) - timeOf(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function page<T extends FeedItem>(items: T[], limit: number): Page<T> {
  const last = items.at(-1);
  return { items, nextCursor: items.length === limit && last ? encodeCursor({ t: timeOf(last), id: last.id }) : null };
}

export interface ActivityService {
  sessions(appId: string, query: SessionsQuery): Promise<Page<SessionRow>>;
  feed(appId: string, query: FeedQuery): Promise<Page<FeedItem>>;
  counters(appId: string): Promise<ActivityCounters>;
  chart(appId: string, range: ChartRange): Promise<ChartBuckets>;
}

/** The Sessions page and the Activity tab. Callers have checked that the user is a member of appId. */
export function createActivityService(queries: ActivityQueries, now: () => Date = () => new Date()): ActivityService {
  return {
    async sessions(appId, query) {
      const rows = await queries.listSessions(appId, query);
      const result = page(rows.map((row) => ({ kind: 'session' as const, ...row })), query.limit);
      return { items: result.items.map(({ kind: _kind, ...row }) => row), nextCursor: result.nextCursor };
    },

    async feed(appId, { filter, cursor, limit }) {
      // Both lists are read after the same cursor and merged; at most `limit` of each can make the page.
      const [sessions, prompts] = await Promise.all([
        filter === 'prompts' ? [] : queries.listSessions(appId, { status: 'all', q: '', cursor, limit }),
        filter === 'sessions' ? [] : queries.listPrompts(appId, { cursor, limit }),
      ]);
      const merged: FeedItem[] = [
        ...sessions.map((row) => ({ kind: 'session' as const, ...row })),
        ...prompts.map((row) => ({ kind: 'prompt' as const, ...row })),
      ].sort(newestFirst);
      return page(merged.slice(0, limit), limit);
    },

    counters: (appId) => queries.counters(appId),

    async chart(appId, range) {
      const { unit, keys } = chartKeys(range, now());
      const from = new Date(unit === 'hour' ? `${keys[0]}:00:00.000Z` : `${keys[0]}T00:00:00.000Z`);
      const counts = await queries.bucketCounts(appId, unit, from);
      return {
        range,
        unit,
        keys,
        sessions: keys.map((key) => counts.sessions.get(key) ?? 0),
        prompts: keys.map((key) => counts.prompts.get(key) ?? 0),
      };
    },
  };
}
