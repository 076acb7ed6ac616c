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
import type { ActivityQueries, ListResult } from '../storage/activity-queries.js';
import { chartKeys } from './chart-range.js';

function page<T>({ rows, next }: ListResult<T>): Page<T> {
  return { items: rows, nextCursor: next ? encodeCursor(next) : null };
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
    sessions: async (appId, query) => page(await queries.listSessions(appId, query)),

    feed: async (appId, query) => page(await queries.listFeed(appId, query)),

    counters: (appId) => queries.counters(appId),

    async chart(appId, range) {
      const { unit, keys } = chartKeys(range, now());
      const counts = await queries.bucketCounts(appId, unit, keys);
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
