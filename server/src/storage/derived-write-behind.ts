import type { ActivityCountersStore } from './activity-counters.js';
import type { ChunkCounting } from './chunk-counting.js';
import { chunkKey } from './chunk-model.js';
import type { IngestObserver } from './ingest-observer.js';
import type { Models } from './models.js';
import type { ChunkHeader } from './ports.js';
import type { WriteHooks } from './write-hooks.js';

/** How often the derived state of stored chunks is written: a crash loses at most this much of it (never a chunk). */
export const DEFAULT_DERIVED_FLUSH_MS = 200;
/** Sessions written by one command at most (FerretDB 1.24: keep update commands far below 100 statements). */
export const DERIVED_SESSIONS_PER_WRITE = 32;
/** Session claims in flight at once during a flush. */
const DERIVED_CLAIMS_AT_ONCE = 4;

interface PendingSession {
  appId: string;
  /** Headers of chunks this node stored, by seq. */
  heads: Map<number, ChunkHeader>;
  /** Seqs found stored before (a copy sent again): counted from the stored header, in case its writer died first. */
  again: Set<number>;
  /** The latest store's time (the session's last activity); null while only the pagehide POST stored any. */
  at: Date | null;
}

type HeaderDoc = ChunkHeader & { _id: string };

/**
 * Write-behind of what stored chunks imply — the session's counters, maxSeq, contiguity and activity
 * time, the application's counters, and the implementation's chunk header pages — per session in
 * memory, written every `flushMs` in small bulk writes. Nothing here is the only truth: the chunks
 * are stored before anything is acknowledged, every count is an exactly-once claim (chunk-counting.ts),
 * and `recount` puts right from the chunks whatever a crash (or another node's crash) left uncounted.
 * Readers of derived state flush first (`flushSessions`) and recount where another node may hold some.
 */
export function derivedWriteBehind(
  { Chunk }: Pick<Models, 'Chunk'>,
  counters: ActivityCountersStore,
  hooks: WriteHooks,
  counting: ChunkCounting,
  options: { flushMs?: number; observer?: () => IngestObserver; onError?: (error: Error) => void } = {},
) {
  let pending = new Map<string, PendingSession>();
  /** Flushes under way, by the sessions they write. */
  const writing = new Map<string, Promise<void>>();
  let running: Promise<void> | null = null;
  /** What writes under way hold, by session (readers add it until the document shows it counted). */
  const flying = new Map<string, PendingSession[]>();
  const timer = setInterval(() => void flushAll(), options.flushMs ?? DEFAULT_DERIVED_FLUSH_MS);
  timer.unref();

  function entryOf(sessionId: string, appId: string, at: Date | null): PendingSession {
    let entry = pending.get(sessionId);
    if (!entry) pending.set(sessionId, (entry = { appId, heads: new Map(), again: new Set(), at }));
    if (at && (!entry.at || at > entry.at)) entry.at = at;
    return entry;
  }

  /** Writes the sessions given (taken out of `pending` by the caller); on failure they go back for the next flush. */
  async function write(batch: Map<string, PendingSession>): Promise<void> {
    const started = performance.now();
    const ids = [...batch.keys()];
    try {
      for (let i = 0; i < ids.length; i += DERIVED_SESSIONS_PER_WRITE) {
        await writeSlice(ids.slice(i, i + DERIVED_SESSIONS_PER_WRITE).map((id) => [id, batch.get(id)!] as const));
      }
    } catch (error) {
      for (const [id, entry] of batch) {
        const now = entryOf(id, entry.appId, entry.at);
        for (const [seq, head] of entry.heads) now.heads.set(seq, head);
        for (const seq of entry.again) now.again.add(seq);
      }
      options.onError?.(error as Error);
    }
    options.observer?.().derivedFlushed(batch.size, performance.now() - started, pending.size);
  }

  async function writeSlice(slice: ReadonlyArray<readonly [string, PendingSession]>) {
    // Copies sent again: the stored chunk's own header (one read for the slice).
    const againIds = slice.flatMap(([id, entry]) => [...entry.again].filter((seq) => !entry.heads.has(seq)).map((seq) => chunkKey(id, seq)));
    if (againIds.length) {
      const docs = await Chunk.find({ _id: { $in: againIds } }, { data: 0 }).lean<HeaderDoc[]>();
      for (const doc of docs) {
        const sessionId = doc._id.slice(0, doc._id.lastIndexOf(':'));
        slice.find(([id]) => id === sessionId)?.[1].heads.set(doc.seq, { seq: doc.seq, firstTs: doc.firstTs, lastTs: doc.lastTs, eventCount: doc.eventCount, bytes: doc.bytes, hasFullSnapshot: doc.hasFullSnapshot });
      }
    }
    // Header pages before counts: a counted chunk always has its header (a recount finds the rest).
    await hooks.chunksStored(slice.flatMap(([sessionId, entry]) => [...entry.heads.values()].map((header) => ({ sessionId, header }))));
    const added = new Map<string, { events: number; bytes: number }>();
    // Settled, not all: the application's counters get what was claimed even when another claim failed
    // (claimed seqs are never claimed again, so a retry of the slice would not add them).
    const claims: PromiseSettledResult<void>[] = [];
    // A few at a time: the acknowledgements' reads and inserts queue behind these on the database.
    for (let i = 0; i < slice.length; i += DERIVED_CLAIMS_AT_ONCE) claims.push(...(await Promise.allSettled(
      slice.slice(i, i + DERIVED_CLAIMS_AT_ONCE).map(async ([sessionId, entry]) => {
        for (const run of runsOf([...entry.heads.values()])) {
          const claimed = await counting.countRun(sessionId, run, entry.at);
          if (claimed) {
            const sum = added.get(entry.appId) ?? { events: 0, bytes: 0 };
            for (const head of run) {
              sum.events += head.eventCount;
              sum.bytes += head.bytes;
            }
            added.set(entry.appId, sum);
            continue;
          }
          // Out of order, or counted already (another node, a recount): one exactly-once claim each.
          for (const head of run) await counting.count(sessionId, head, entry.at);
        }
      }),
    )));
    await Promise.all([...added].map(([appId, sum]) => counters.eventsAdded(appId, sum.events, sum.bytes)));
    const failed = claims.find((claim) => claim.status === 'rejected');
    if (failed) throw failed.reason;
  }

  function take(sessionIds: Iterable<string>): Map<string, PendingSession> {
    const batch = new Map<string, PendingSession>();
    for (const id of sessionIds) {
      const entry = pending.get(id);
      if (entry) batch.set(id, entry);
      pending.delete(id);
    }
    return batch;
  }

  function start(batch: Map<string, PendingSession>): Promise<void> {
    for (const [id, entry] of batch) flying.set(id, [...(flying.get(id) ?? []), entry]);
    const done = write(batch).finally(() => {
      for (const [id, entry] of batch) {
        if (writing.get(id) === done) writing.delete(id);
        const rest = (flying.get(id) ?? []).filter((other) => other !== entry);
        if (rest.length) flying.set(id, rest);
        else flying.delete(id);
      }
    });
    for (const id of batch.keys()) writing.set(id, done);
    return done;
  }

  /** One flush of everything pending at a time; a tick finding one under way skips. */
  function flushAll(): Promise<void> {
    if (running) return running;
    if (!pending.size) return Promise.resolve();
    const batch = pending;
    pending = new Map();
    running = start(batch).finally(() => (running = null));
    return running;
  }

  return {
    /** A chunk this node stored (`fresh`) or found stored before. */
    add(sessionId: string, appId: string, header: ChunkHeader, fresh: boolean, at: Date | null) {
      const entry = entryOf(sessionId, appId, at);
      if (fresh) entry.heads.set(header.seq, header);
      else entry.again.add(header.seq);
    },
    /** Everything this node holds for these sessions is written when this resolves. */
    async flushSessions(sessionIds: string[]): Promise<void> {
      const under = sessionIds.map((id) => writing.get(id)).filter(Boolean);
      const batch = take(sessionIds);
      await Promise.all([...under, batch.size ? start(batch) : null]);
    },
    /** Everything this node holds for the application's sessions is written when this resolves (before its counters are read). */
    flushApp(appId: string): Promise<void> {
      const ids = new Set<string>();
      for (const [id, entry] of pending) if (entry.appId === appId) ids.add(id);
      for (const [id, entries] of flying) if (entries.some((entry) => entry.appId === appId)) ids.add(id);
      return ids.size ? this.flushSessions([...ids]) : Promise.resolve();
    },
    /** Drops what this node holds for deleted sessions, once any write of theirs under way ended. */
    async forget(sessionIds: string[]): Promise<void> {
      take(sessionIds);
      await Promise.allSettled(sessionIds.map((id) => writing.get(id)));
    },
    /** What is pending for one session (its reads add it: another read of the database may not have it yet). */
    pendingOf(sessionId: string, countedThrough: number, countedAbove: number[]): { maxSeq: number; events: number; bytes: number; chunks: number } | null {
      const entries = [pending.get(sessionId), ...(flying.get(sessionId) ?? [])].filter((entry) => entry !== undefined);
      const heads = new Map<number, ChunkHeader>();
      for (const entry of entries) for (const [seq, head] of entry.heads) heads.set(seq, head);
      let maxSeq = 0, events = 0, bytes = 0, chunks = 0;
      for (const head of heads.values()) {
        if (head.seq <= countedThrough || countedAbove.includes(head.seq)) continue;
        chunks += 1;
        maxSeq = Math.max(maxSeq, head.seq);
        events += head.eventCount;
        bytes += head.bytes;
      }
      return chunks ? { maxSeq, events, bytes, chunks } : null;
    },
    size: () => pending.size,
    async close() {
      clearInterval(timer);
      // One more flush after the one under way; what still fails is left to the recount at start.
      await running;
      await flushAll();
      await Promise.allSettled([...writing.values()]);
    },
  };
}

/** Headers in runs of consecutive seqs, ascending. */
function runsOf(heads: ChunkHeader[]): ChunkHeader[][] {
  const runs: ChunkHeader[][] = [];
  for (const head of heads.sort((a, b) => a.seq - b.seq)) {
    const run = runs.at(-1);
    if (run && run[run.length - 1].seq === head.seq - 1) run.push(head);
    else runs.push([head]);
  }
  return runs;
}

export type DerivedWriteBehind = ReturnType<typeof derivedWriteBehind>;
