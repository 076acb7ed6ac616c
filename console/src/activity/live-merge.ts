import type { FeedItem, Page, PromptRow, SessionRow } from '../../../server/src/protocol/activity.js';

/** Both lists are ordered newest first by (time, id); these helpers keep that order when merging. */
type Row = SessionRow | FeedItem;

export const rowTime = (row: Row): number =>
  Date.parse('kind' in row && row.kind === 'prompt' ? row.createdAt : (row as SessionRow).startedAt);

const key = (row: Row) => ('kind' in row ? `${row.kind}:${row.id}` : row.id);

/** Whether `a` comes after (is older than) `b` in list order. */
const olderThan = (a: Row, b: Row) => rowTime(a) < rowTime(b) || (rowTime(a) === rowTime(b) && a.id < b.id);

/**
 * A freshly fetched first page replaces the top of what is shown; rows already loaded below it stay
 * (with their cursor), so a refetch after a live event or a reconnect never loses the user's scroll.
 */
export function mergeHead<T extends Row>(head: Page<T>, loaded: T[], loadedNext: string | null): Page<T> {
  const last = head.items.at(-1);
  if (!last || !head.nextCursor) return head;
  const seen = new Set(head.items.map(key));
  const tail = loaded.filter((row) => !seen.has(key(row)) && olderThan(row, last));
  if (!tail.length) return head;
  return { items: [...head.items, ...tail], nextCursor: loadedNext };
}

/** Appends the next page, dropping anything already shown (a live insert can shift page borders). */
export function appendPage<T extends Row>(loaded: T[], next: Page<T>): Page<T> {
  const seen = new Set(loaded.map(key));
  return { items: [...loaded, ...next.items.filter((row) => !seen.has(key(row)))], nextCursor: next.nextCursor };
}

/** A session as the console socket announces it (`session:changed`). */
export interface AnnouncedSession {
  id: string;
  visitorId: string;
  status: 'active' | 'completed';
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  landingUrl: string;
  pageCount: number;
  eventCount: number;
  chunkCount: number;
}

/**
 * Applies a live announcement at once (the refetch that follows confirms it): a known row takes the
 * new status and counts; a new session goes on top when the current filter would list it.
 */
export function applySession<T extends Row>(
  rows: T[],
  session: AnnouncedSession,
  wrap: (row: SessionRow) => T,
  accepts: (row: SessionRow) => boolean,
): T[] {
  const existing = rows.find((row) => !('kind' in row && row.kind === 'prompt') && row.id === session.id) as SessionRow | undefined;
  const row: SessionRow = {
    visitorName: '',
    messageCount: 0,
    // Insights arrive with the refetch that follows; a new row starts without them.
    signals: [],
    summary: null,
    ...existing,
    id: session.id,
    visitorId: session.visitorId,
    status: session.status,
    startedAt: session.startedAt,
    lastActivityAt: session.lastActivityAt,
    endedAt: session.endedAt,
    landingUrl: session.landingUrl,
    pageCount: session.pageCount,
    eventCount: session.eventCount,
    hasReplay: session.chunkCount > 0,
  };
  if (existing) {
    return accepts(row) ? rows.map((r) => (r === (existing as unknown) ? wrap(row) : r)) : rows.filter((r) => r !== (existing as unknown));
  }
  const top = rows[0];
  if (!accepts(row) || (top && olderThan(wrap(row), top))) return rows;
  return [wrap(row), ...rows];
}

/** A prompt announced live goes on top of the feed (once), unless the feed already holds newer rows above it. */
export function applyPrompt(items: FeedItem[], prompt: PromptRow): FeedItem[] {
  if (items.some((item) => item.kind === 'prompt' && item.id === prompt.id)) return items;
  const item: FeedItem = { kind: 'prompt', ...prompt };
  const top = items[0];
  if (top && olderThan(item, top)) return items;
  return [item, ...items];
}
