/** Seqs remembered above a session's mark at most; past it the session is forgotten and read again. */
const MAX_SEQS_ABOVE_MARK = 64;
/** Sessions remembered at most on one node (the least recently used goes first). */
const MAX_REMEMBERED_SESSIONS = 50_000;
/** A session not written for this long is forgotten. */
export const CONTIGUITY_IDLE_MS = 10 * 60_000;

interface Mark {
  /** Every seq from 1 to this one is stored (a lower bound: the database may know more). */
  mark: number;
  /** Seqs known stored above the mark. */
  above: Set<number>;
  usedAt: number;
}

/**
 * What this node knows of each session's stored prefix, so that acknowledging a batch costs no read:
 * facts only (a chunk this node stored, or found stored before), so the mark is never above the truth.
 * It can be below it (another node stored the seq in between): then the caller reads the database,
 * and an acknowledgement that is short only makes the widget keep a batch it will send again.
 */
export function contiguityMarks(now: () => number = Date.now) {
  const sessions = new Map<string, Mark>();

  function touch(sessionId: string, entry: Mark) {
    entry.usedAt = now();
    sessions.delete(sessionId);
    sessions.set(sessionId, entry);
    if (sessions.size > MAX_REMEMBERED_SESSIONS) sessions.delete(sessions.keys().next().value!);
  }

  function advance(entry: Mark) {
    while (entry.above.delete(entry.mark + 1)) entry.mark += 1;
  }

  return {
    /** A chunk of this seq is stored. */
    stored(sessionId: string, seq: number) {
      // A new entry's mark is 0, true of any session; the database tells more when asked (`known`).
      const entry = sessions.get(sessionId) ?? { mark: 0, above: new Set<number>(), usedAt: 0 };
      if (seq > entry.mark) entry.above.add(seq);
      advance(entry);
      if (entry.above.size > MAX_SEQS_ABOVE_MARK) sessions.delete(sessionId);
      else touch(sessionId, entry);
    },
    /** The database says every seq through `mark` is stored. */
    known(sessionId: string, mark: number) {
      const entry = sessions.get(sessionId) ?? { mark: 0, above: new Set<number>(), usedAt: 0 };
      if (mark > entry.mark) {
        entry.mark = mark;
        for (const seq of entry.above) if (seq <= mark) entry.above.delete(seq);
      }
      advance(entry);
      touch(sessionId, entry);
    },
    /** The mark, when nothing known lies above it (so no gap another node may have filled); else null. */
    markOf(sessionId: string): number | null {
      const entry = sessions.get(sessionId);
      return entry && entry.above.size === 0 ? entry.mark : null;
    },
    forget(sessionIds: Iterable<string>) {
      for (const id of sessionIds) sessions.delete(id);
    },
    /** Forgets sessions idle for CONTIGUITY_IDLE_MS (oldest first, so the walk stops at the first recent one). */
    sweep() {
      const before = now() - CONTIGUITY_IDLE_MS;
      for (const [id, entry] of sessions) {
        if (entry.usedAt >= before) break;
        sessions.delete(id);
      }
    },
  };
}

export type ContiguityMarks = ReturnType<typeof contiguityMarks>;
