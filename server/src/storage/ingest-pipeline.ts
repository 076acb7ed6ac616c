import { Types } from 'mongoose';
import type { ActivityCountersStore } from './activity-counters.js';
import type { ChunkCounting } from './chunk-counting.js';
import { chunkGroupCommit } from './chunk-group-commit.js';
import { chunkKey } from './chunk-model.js';
import { contiguityMarks } from './contiguity-marks.js';
import { derivedWriteBehind } from './derived-write-behind.js';
import { recentSessions } from './recent-sessions.js';
import { NO_OBSERVER, type IngestObserver } from './ingest-observer.js';
import type { Models } from './models.js';
import type { ActivityStore, NewChunk } from './ports.js';
import type { SessionDoc } from './session-model.js';

type CountedSeqs = { countedThrough?: number; countedAbove?: number[] };
import type { WriteHooks } from './write-hooks.js';

/** How the ingest path behind the port is tuned (openDatabase's options; config.ts reads them). */
export interface IngestTuning {
  /** Write-behind period of derived state (ms). */
  derivedFlushMs?: number;
  /** Backpressure: chunk bytes queued or being written on this node at most. */
  maxPendingBytes?: number;
  /** Logs a failed write-behind flush (it is tried again on the next one). */
  onError?: (error: Error) => void;
}

/** What the server sees of its node's ingest path (metrics). */
export interface IngestControl {
  observe(observer: IngestObserver): void;
  stats(): { pendingBytes: number; waitingWriters: number; pendingSessions: number };
}

/**
 * The ingest's write path behind the port: chunks by group commit (acknowledged once durable), what
 * they imply by write-behind, and this node's knowledge of each session's stored prefix.
 */
export function ingestPipeline(models: Pick<Models, 'Chunk' | 'Session'>, counters: ActivityCountersStore, hooks: WriteHooks, counting: ChunkCounting, tuning: IngestTuning = {}) {
  let observer: IngestObserver = NO_OBSERVER;
  const seams = { delayMs: 0, forgetSessions: (ids: string[]) => recent.forget(ids) };
  const group = chunkGroupCommit(models.Chunk.collection, { maxPendingBytes: tuning.maxPendingBytes, observer: () => observer, delayMs: () => seams.delayMs });
  const behind = derivedWriteBehind(models, counters, hooks, counting, { flushMs: tuning.derivedFlushMs, observer: () => observer, onError: tuning.onError });
  const marks = contiguityMarks();
  const recent = recentSessions();
  const sweeper = setInterval(() => marks.sweep(), 60_000);
  sweeper.unref();
  const { Session, Chunk } = models;

  return {
    seams,
    recent,
    control: {
      observe(next: IngestObserver) {
        observer = next;
      },
      stats() {
        const { bytes, waiting } = group.pending();
        return { pendingBytes: bytes, waitingWriters: waiting, pendingSessions: behind.size() };
      },
    } satisfies IngestControl,
    /** Stores one chunk (durable when this resolves); false when it was stored before. */
    async store(chunk: NewChunk): Promise<boolean> {
      const { sessionId, appId, seq, firstTs, lastTs, eventCount, bytes, hasFullSnapshot } = chunk;
      const stored = await group.insert({
        _id: chunkKey(sessionId, seq),
        sessionId: new Types.ObjectId(sessionId),
        appId: new Types.ObjectId(appId),
        seq,
        firstTs,
        lastTs,
        eventCount,
        bytes,
        hasFullSnapshot,
        data: chunk.data,
        storedAt: chunk.storedAt,
        via: chunk.via ?? 'socket',
      });
      marks.stored(sessionId, seq);
      // The pagehide POST is the visitor leaving, often after their socket closed: it is not them coming back,
      // so it moves no activity time (which would keep a departed visitor's session active, issue 18).
      const activityAt = chunk.via === 'http' ? null : chunk.storedAt;
      behind.add(sessionId, appId, { seq, firstTs, lastTs, eventCount, bytes, hasFullSnapshot }, stored, activityAt);
      return stored;
    },
    /** Chunks 1..n all stored: from this node's mark when it has no gap, else from the database (then remembered). */
    async contiguousSeq(sessionId: string): Promise<number> {
      const known = marks.markOf(sessionId);
      if (known !== null) return known;
      const session = await Session.findById(sessionId, { contiguousSeq: 1, countedThrough: 1 }).lean<{ contiguousSeq?: number; countedThrough?: number }>();
      let mark = Math.max(session?.contiguousSeq ?? 0, session?.countedThrough ?? 0);
      while (await Chunk.exists({ _id: chunkKey(sessionId, mark + 1) })) mark += 1;
      marks.known(sessionId, mark);
      return mark;
    },
    flush: (sessionIds: string[]) => behind.flushSessions(sessionIds),
    /** The activity store, whose counters count this node's stored chunks once it read them. */
    countersFlushed<A extends Pick<ActivityStore, 'counters'>>(activity: A): A {
      return {
        ...activity,
        async counters(appId: string) {
          await behind.flushApp(appId);
          return activity.counters(appId);
        },
      };
    },
    flushApp: (appId: string) => behind.flushApp(appId),
    async forget(sessionIds: string[]) {
      marks.forget(sessionIds);
      recent.forget(sessionIds);
      await behind.forget(sessionIds);
    },
    /**
     * A session document as read, with the chunks this node stored for it that the document does not
     * count yet (by its own counted seqs, so nothing counted meanwhile is added twice).
     */
    withPending(doc: SessionDoc): SessionDoc {
      const extra = behind.pendingOf(String(doc._id), (doc as CountedSeqs).countedThrough ?? 0, (doc as CountedSeqs).countedAbove ?? []);
      if (!extra) return doc;
      return { ...doc, maxSeq: Math.max(doc.maxSeq ?? 0, extra.maxSeq), eventCount: (doc.eventCount ?? 0) + extra.events, bytes: (doc.bytes ?? 0) + extra.bytes, chunkCount: (doc.chunkCount ?? 0) + extra.chunks };
    },
    async close() {
      clearInterval(sweeper);
      await group.drain();
      await behind.close();
    },
  };
}

export type IngestPipeline = ReturnType<typeof ingestPipeline>;
