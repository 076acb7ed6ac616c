import type { Types } from 'mongoose';
import { MAX_BATCH_SEQ, MAX_SEQ_SPAN_PER_READ, SEQ_AHEAD_WINDOW } from '../protocol/limits.js';
import type { ActivityCountersStore } from './activity-counters.js';
import type { Models } from './models.js';
import type { ChunkHeader, SessionCounters } from './ports.js';
import type { SessionDoc } from './session-model.js';

/** Counted seqs kept apart from the counted prefix at most; past it the prefix jumps over the oldest gap. */
const MAX_COUNTED_ABOVE = 256;
/** Claims of one seq tried before giving up (each retry means another counter moved the prefix meanwhile). */
const MAX_CLAIM_ATTEMPTS = 10;

type CountedDoc = Pick<SessionDoc, 'eventCount' | 'bytes' | 'chunkCount' | 'maxSeq'> & {
  _id: Types.ObjectId;
  appId: Types.ObjectId;
  countedThrough?: number;
  countedAbove?: number[];
};

const countersOf = (doc: CountedDoc): SessionCounters => ({ eventCount: doc.eventCount ?? 0, bytes: doc.bytes ?? 0, chunkCount: doc.chunkCount ?? 0, maxSeq: doc.maxSeq ?? 0 });

/**
 * Counting stored chunks into their session exactly once, whoever counts — the writer that stored the
 * chunk, a copy of it sent again, a recount after a crash — in any number of processes, without a lock:
 * the session records which seqs it counted (`countedThrough`: every seq up to it; `countedAbove`:
 * counted seqs past a gap), and the claim of a seq and its counts are one atomic update of the session
 * document, matched only while the seq is unclaimed. The application's counters (events, stored
 * bytes) follow, added by the claimer.
 */
export function chunkCounting(
  { Session }: Pick<Models, 'Session'>,
  counters: ActivityCountersStore,
  /** The headers of the session's stored chunks with seqs in from..to (each implementation reads its own way). */
  storedHeaders: (sessionId: string, from: number, to: number) => Promise<ChunkHeader[]>,
) {
  const claim = (filter: Record<string, unknown>, head: Pick<ChunkHeader, 'seq' | 'eventCount' | 'bytes'>, extra: Record<string, unknown>, at: Date | null) =>
    Session.findOneAndUpdate(
      filter,
      {
        ...extra,
        $inc: { eventCount: head.eventCount, bytes: head.bytes, chunkCount: 1 },
        // A batch never clears the visitor's disconnect: one received before it and counted after it (the
        // page closed meanwhile) would undo it and keep a departed visitor's session active (issue 18).
        // The sweep tells a return by activity after the disconnect; a new page view clears it (addPage).
        $max: { maxSeq: head.seq, ...(at ? { lastActivityAt: at } : {}) },
      },
      { returnDocument: 'after' },
    ).lean<CountedDoc>();

  const countedState = (sessionId: string) =>
    Session.findById(sessionId, { appId: 1, eventCount: 1, bytes: 1, chunkCount: 1, maxSeq: 1, countedThrough: 1, countedAbove: 1 }).lean<CountedDoc>();

  /**
   * Folds the counted seqs that now continue the prefix into it (or, past MAX_COUNTED_ABOVE, jumps the
   * oldest gap), one conditional step at a time; a step another counter made first is read again.
   */
  async function fold(start: CountedDoc): Promise<void> {
    let doc: CountedDoc | null = start;
    for (let steps = 0; doc && steps < MAX_COUNTED_ABOVE * 2; steps++) {
      const through: number = doc.countedThrough ?? 0;
      const above: number[] = [...(doc.countedAbove ?? [])].sort((a, b) => a - b);
      if (!above.length || (above[0] !== through + 1 && above.length <= MAX_COUNTED_ABOVE)) return;
      const next = above[0];
      doc =
        (await Session.findOneAndUpdate(
          { _id: doc._id, countedThrough: through, countedAbove: next },
          { $set: { countedThrough: next }, $pull: { countedAbove: next } },
          { returnDocument: 'after' },
        ).lean<CountedDoc>()) ?? (await countedState(String(doc._id)));
    }
  }

  /** Counts one stored chunk into its session, unless it was counted already; the session's counters after it, or null. */
  async function count(sessionId: string, head: Pick<ChunkHeader, 'seq' | 'eventCount' | 'bytes'>, at: Date | null): Promise<CountedDoc | null> {
    const { seq } = head;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      // In order (the usual case): the seq right after the counted prefix.
      let doc = await claim({ _id: sessionId, countedThrough: seq - 1, countedAbove: { $ne: seq } }, head, { $set: { countedThrough: seq } }, at);
      // Out of order: among the counted seqs past the prefix.
      doc ??= await claim({ _id: sessionId, countedThrough: { $lt: seq - 1 }, countedAbove: { $ne: seq } }, head, { $push: { countedAbove: seq } }, at);
      if (doc) {
        await counters.eventsAdded(String(doc.appId), head.eventCount, head.bytes);
        if (doc.countedAbove?.length) await fold(doc);
        return doc;
      }
      // Neither matched: counted already, or the prefix moved between the two tries.
      const state = await countedState(sessionId);
      if (!state || seq <= (state.countedThrough ?? 0) || (state.countedAbove ?? []).includes(seq)) return null;
    }
    throw new Error(`chunk ${seq} of session ${sessionId}: the counted prefix kept moving`);
  }

  /**
   * Counts a run of stored chunks with consecutive seqs in one atomic update, when the run continues
   * the counted prefix and none of it was counted past a gap; the session's counters after it, or null
   * when that did not hold (the caller counts each chunk with `count` then). The application's
   * counters are the caller's to add (a flush adds one application's runs at once).
   */
  async function countRun(sessionId: string, run: Array<Pick<ChunkHeader, 'seq' | 'eventCount' | 'bytes'>>, at: Date | null): Promise<CountedDoc | null> {
    const first = run[0].seq;
    const last = run[run.length - 1].seq;
    const doc = await Session.findOneAndUpdate(
      { _id: sessionId, countedThrough: first - 1, countedAbove: { $nin: run.map((head) => head.seq) } },
      {
        $inc: { eventCount: run.reduce((sum, head) => sum + head.eventCount, 0), bytes: run.reduce((sum, head) => sum + head.bytes, 0), chunkCount: run.length },
        $max: { maxSeq: last, contiguousSeq: last, ...(at ? { lastActivityAt: at } : {}) },
        // As `count`: a batch never clears the visitor's disconnect (written behind, it is counted after it).
        $set: { countedThrough: last },
      },
      { returnDocument: 'after' },
    ).lean<CountedDoc>();
    if (doc?.countedAbove?.length) await fold(doc);
    return doc;
  }

  return {
    count,
    countRun,
    /**
     * Counts what is stored but was never counted (the process died between storing a chunk and
     * counting it): right after the counted prefix (MAX_SEQ_SPAN_PER_READ seqs), and up to
     * SEQ_AHEAD_WINDOW past the highest counted seq — the farthest a stored chunk can lie. Two bounded
     * reads whatever the seqs claim. Safe beside live writers: every seq is claimed once.
     */
    async recount(sessionId: string): Promise<SessionCounters | null> {
      const doc = await countedState(sessionId);
      if (!doc) return null;
      const counted = new Set(doc.countedAbove ?? []);
      const through = doc.countedThrough ?? 0;
      let latest = doc;
      const maxSeq = Math.min(doc.maxSeq ?? 0, MAX_BATCH_SEQ - 1);
      const windows: Array<[number, number]> = [[through + 1, Math.min(through + MAX_SEQ_SPAN_PER_READ, maxSeq + SEQ_AHEAD_WINDOW)]];
      if (maxSeq + 1 > windows[0][1]) windows.push([maxSeq + 1, maxSeq + SEQ_AHEAD_WINDOW]);
      const headers = (await Promise.all(windows.map(([from, to]) => storedHeaders(sessionId, from, Math.min(to, MAX_BATCH_SEQ - 1))))).flat();
      for (const head of headers) {
        if (head.seq <= through || counted.has(head.seq)) continue;
        latest = (await count(sessionId, head, null)) ?? latest;
      }
      if (latest === doc) return countersOf(doc);
      const after = await Session.findById(sessionId, { eventCount: 1, bytes: 1, chunkCount: 1, maxSeq: 1 }).lean<CountedDoc>();
      return after ? countersOf(after) : null;
    },
  };
}

export type ChunkCounting = ReturnType<typeof chunkCounting>;
