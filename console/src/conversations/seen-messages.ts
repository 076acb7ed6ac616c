/**
 * How many messages of each conversation this agent has seen (issue 18: unread counts on each
 * conversation), remembered in this browser. Bounded: the oldest entries go first.
 */
const STORAGE_KEY = 'chatreel:seen-messages';
const MAX_REMEMBERED = 500;

function read(): Record<string, number> {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** Messages of the conversation not seen yet (all of them when it was never opened here). */
export function unreadCount(sessionId: string, messageCount: number): number {
  return Math.max(0, messageCount - (Number(read()[sessionId]) || 0));
}

export function markSeen(sessionId: string, messageCount: number): void {
  const seen = read();
  delete seen[sessionId];
  seen[sessionId] = messageCount;
  const keys = Object.keys(seen);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED))) delete seen[key];
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(seen));
  } catch {
    // Storage full or refused: counts start over, nothing else breaks.
  }
}
