import type { SessionDoc } from './session-model.js';

/**
 * How old a session document the ingest's per-batch checks accept (sessions.findRecent): longer than
 * the widget's 2-second batch interval, so a steady recording reads its session every few batches.
 */
export const RECENT_SESSION_MS = 5_000;
/** Session documents remembered at most (the oldest read goes first). */
const MAX_RECENT_SESSIONS = 20_000;

/**
 * Session documents as this node last read them, for at most RECENT_SESSION_MS: each recording
 * batch needs its session's status, stop marker, seq window and stored bytes, and a few seconds' lag
 * of another node's change to them is within what each check allows (late batches are accepted for
 * minutes after completion; nodes already see each other's quota use up to APP_USAGE_RECHECK_MS late). This node forgets a session as
 * soon as it changes one of those itself. Never the only truth: a miss reads the database.
 */
export function recentSessions(now: () => number = Date.now) {
  const docs = new Map<string, { doc: SessionDoc; readAt: number }>();
  return {
    get(id: string): SessionDoc | null {
      const hit = docs.get(id);
      if (!hit) return null;
      if (now() - hit.readAt < RECENT_SESSION_MS) return hit.doc;
      docs.delete(id);
      return null;
    },
    set(id: string, doc: SessionDoc) {
      docs.delete(id);
      docs.set(id, { doc, readAt: now() });
      if (docs.size > MAX_RECENT_SESSIONS) docs.delete(docs.keys().next().value!);
    },
    forget(ids: Iterable<string>) {
      for (const id of ids) docs.delete(id);
    },
  };
}

export type RecentSessions = ReturnType<typeof recentSessions>;
