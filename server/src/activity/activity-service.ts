import { AppError } from '../http/app-error.js';
import type { ActivityCounters, ChartBuckets, ChartRange, ConversationFilter, FeedItem, FeedQuery, Page, SessionRow, SessionsQuery } from '../protocol/activity.js';
import type { ActivityStore, ListPosition, NewestFirst } from '../storage/ports.js';
import { chartKeys } from './chart-range.js';
import { collectPage, mapRows, type NamedSource } from './newest-first.js';

export interface ActivityService {
  /** `conversation`: only sessions whose conversation is in that state (the REST API's conversations list). */
  sessions(appId: string, query: SessionsQuery & { conversation?: ConversationFilter }): Promise<Page<SessionRow>>;
  feed(appId: string, query: FeedQuery): Promise<Page<FeedItem>>;
  counters(appId: string): Promise<ActivityCounters>;
  chart(appId: string, range: ChartRange): Promise<ChartBuckets>;
}

/**
 * The Sessions page and the Activity tab. Callers have checked that the user is a member of appId.
 * Cursors are the storage's own (opaque here): one it did not give out is refused.
 */
export function createActivityService(store: ActivityStore, now: () => Date = () => new Date()): ActivityService {
  const positionOf = (cursor: string | undefined): ListPosition | undefined => {
    if (cursor === undefined) return undefined;
    const position = store.decodeCursor(cursor);
    if (!position) throw new AppError('E_INVALID_PAYLOAD', 'cursor: is not a cursor this server gave out');
    return position;
  };

  async function page<R>(sources: Array<NamedSource<R> | null>, limit: number, filtered: boolean): Promise<Page<R>> {
    const open = sources.filter((source): source is NamedSource<R> => source !== null);
    if (!open.length) return { items: [], nextCursor: null };
    const { rows, next } = await collectPage(open, { limit, filtered });
    return { items: rows, nextCursor: next ? store.encodeCursor(next) : null };
  }
  const named = <R>(name: NamedSource<R>['name'], source: NewestFirst<R> | null): NamedSource<R> | null => (source ? { name, source } : null);

  return {
    async sessions(appId, { status, q, signal, conversation, cursor, limit }) {
      const source = await store.sessions(appId, { status, q, signal, conversation }, positionOf(cursor));
      return page([named('sessions', source)], limit, Boolean(q || signal || conversation));
    },

    async feed(appId, { filter, signal, cursor, limit }) {
      const from = positionOf(cursor);
      // Both sources open at once: their first reads go out together.
      const [sessions, prompts] = await Promise.all([
        filter === 'prompts' ? null : store.sessions(appId, { status: 'all', q: '', signal }, from),
        filter === 'sessions' ? null : store.prompts(appId, { signal }, from),
      ]);
      return page<FeedItem>(
        [
          named('sessions', sessions && mapRows(sessions, (row): FeedItem => ({ kind: 'session', ...row }))),
          named('prompts', prompts && mapRows(prompts, (row): FeedItem => ({ kind: 'prompt', ...row }))),
        ],
        limit,
        signal !== undefined,
      );
    },

    counters: (appId) => store.counters(appId),

    async chart(appId, range) {
      const { unit, keys } = chartKeys(range, now());
      const counts = await store.bucketCounts(appId, unit, keys);
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
