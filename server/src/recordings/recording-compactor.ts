import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { MAX_CHUNK_HEADS_PER_READ, MAX_MANIFEST_CHUNKS } from '../protocol/limits.js';
import type { ChunkHeader, Repositories, SessionRecord } from '../storage/ports.js';
import type { BuiltSegment, SegmentInputChunk } from '../storage/segment-codec.js';
import type { WorkerPool } from '../workers/worker-pool.js';

/**
 * Compaction of completed recordings (issue 20). The widget sends a gzip blob every 2 seconds, each
 * compressed alone; once a session is completed its chunks are compressed again as a few segments
 * (storage/segment-codec.ts: one brotli stream each, a window as large as the segment), which stores
 * the full snapshots of a reload or of a page that shares its CSS once, not once per page view.
 *
 * Once per session whichever process runs it: the segments are written first, then the layout that
 * puts them in place by one insert keyed by the session (a second one is refused), and only then are
 * the chunks' blobs dropped, so a reader finds a blob or the layout, never neither. The chunks keep
 * their headers (the replay's chunk list, the counters). A batch stored after the compaction (a
 * late pagehide flush) keeps its blob and is read as before.
 */

/** Stored bytes of chunks handed to one worker task: a few segments' worth, read and decoded at once. */
const COMPACTION_READ_BYTES = 8_000_000;
/** One group ends before a full snapshot once it holds this many stored bytes (a segment starts there anyway). */
const COMPACTION_GROUP_TARGET_BYTES = 2_000_000;
/** Sessions waiting to be compacted in one process; past it a session stays as it is (still readable). */
const MAX_QUEUED_COMPACTIONS = 1_000;
/** A worker task of one group of chunks is stopped after this long (the session then stays as it is). */
const COMPACTION_TASK_TIMEOUT_MS = 60_000;

export type CompactionOutcome = 'compacted' | 'compacted-before' | 'not-completed' | 'nothing-to-compact' | 'erased';

export interface RecordingCompactor {
  /** Compacts a completed session now (tests, the benchmark): what happened. */
  compact(sessionId: string): Promise<CompactionOutcome>;
  /** A completed session's analysis ended: it is compacted in the background, one at a time per process. */
  sessionCompleted(session: SessionRecord): void;
  /** Resolves once every queued compaction has finished (tests). */
  idle(): Promise<void>;
  /** Shutdown: the compaction under way finishes, the queued ones are left (their sessions stay as stored). */
  stop(): Promise<void>;
}

export function createRecordingCompactor({ repos, workers, logger }: { repos: Repositories; workers: WorkerPool; logger: Logger }): RecordingCompactor {
  let queued = 0;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();

  async function headsOf(sessionId: string): Promise<ChunkHeader[]> {
    const heads: ChunkHeader[] = [];
    for (let after = 0; heads.length < MAX_MANIFEST_CHUNKS; ) {
      const page = await repos.recordings.listChunks(sessionId, after, MAX_CHUNK_HEADS_PER_READ);
      heads.push(...page.slice(0, MAX_MANIFEST_CHUNKS - heads.length));
      if (page.length < MAX_CHUNK_HEADS_PER_READ) break;
      after = page[page.length - 1].seq;
    }
    return heads;
  }

  /** Consecutive chunks read and compressed together, cut before a full snapshot where possible. */
  function groupsOf(heads: ChunkHeader[]): ChunkHeader[][] {
    const groups: ChunkHeader[][] = [];
    let group: ChunkHeader[] = [];
    let bytes = 0;
    for (const head of heads) {
      const full = group.length > 0 && bytes + head.bytes > COMPACTION_READ_BYTES;
      if (full || (head.hasFullSnapshot && bytes >= COMPACTION_GROUP_TARGET_BYTES)) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(head);
      bytes += head.bytes;
    }
    if (group.length > 0) groups.push(group);
    return groups;
  }

  async function compact(sessionId: string): Promise<CompactionOutcome> {
    const session = await repos.sessions.findById(sessionId);
    if (!session || session.status !== 'completed') return 'not-completed';
    if (await repos.recordingSegments.layout(sessionId)) {
      // Compacted before; its blobs dropped again in case the process that won died before that.
      await repos.recordingSegments.dropCoveredBlobs(sessionId);
      return 'compacted-before';
    }
    const segments: BuiltSegment[] = [];
    for (const group of groupsOf(await headsOf(sessionId))) {
      const blobs = await repos.recordings.chunksData(sessionId, group.map((head) => head.seq));
      const chunks: SegmentInputChunk[] = [];
      for (const head of group) {
        const blob = blobs.get(head.seq);
        if (blob) chunks.push({ seq: head.seq, hasFullSnapshot: head.hasFullSnapshot, data: new Uint8Array(blob) });
      }
      if (chunks.length === 0) continue;
      const built = await workers.run('recording:compact', { chunks }, { timeoutMs: COMPACTION_TASK_TIMEOUT_MS, transferList: chunks.map((chunk) => chunk.data.buffer as ArrayBuffer) });
      segments.push(...built.segments);
    }
    if (segments.length === 0) return 'nothing-to-compact';
    const generation = randomBytes(6).toString('hex');
    if (!(await repos.recordingSegments.commit({ sessionId, appId: session.appId, generation, segments }))) return 'compacted-before';
    // Erased while it was compacted: the erasure deleted what it found, this takes out what came after.
    if (!(await repos.sessions.findById(sessionId))) {
      await repos.recordingSegments.discard(sessionId);
      return 'erased';
    }
    return 'compacted';
  }

  return {
    compact,
    sessionCompleted(session) {
      if (stopped || session.status !== 'completed' || session.endReason === 'erased') return;
      if (queued >= MAX_QUEUED_COMPACTIONS) {
        logger.warn({ sessionId: session.id }, 'recording compaction skipped: too many waiting; the session stays as stored');
        return;
      }
      queued += 1;
      chain = chain
        .then(() => (stopped ? undefined : compact(session.id)))
        // A failure leaves the session as it was stored: every reader still reads it.
        .catch((error: Error) => logger.warn({ err: error, sessionId: session.id }, 'recording compaction failed; the session stays as stored'))
        .finally(() => (queued -= 1));
    },
    async idle() {
      while (queued > 0) await chain;
    },
    async stop() {
      stopped = true;
      await chain;
    },
  };
}
