import type { Collection, MongoBulkWriteError } from 'mongodb';
import type { IngestObserver } from './ingest-observer.js';

const DUPLICATE_KEY = 11000;

/** How long the first chunk of a group waits for others before the group is written. */
export const GROUP_COMMIT_WINDOW_MS = 4;
/** At most this many chunks in one insertMany (FerretDB: keep commands small). */
export const GROUP_COMMIT_MAX_DOCS = 64;
/** At most this many blob bytes in one insertMany (well below a 48 MB wire message). */
export const GROUP_COMMIT_MAX_BYTES = 8 * 1024 * 1024;
/** Chunk bytes one node holds for the database at most (queued or being written); past it, writers wait. */
export const DEFAULT_MAX_PENDING_INGEST_BYTES = 64 * 1024 * 1024;

/** A chunk document as stored, built without mongoose (no per-document casting on the hot path). */
export interface LeanChunkDoc {
  _id: string;
  data: Buffer;
  [field: string]: unknown;
}

interface Waiting {
  doc: LeanChunkDoc;
  resolve(stored: boolean): void;
  reject(error: Error): void;
}

export interface GroupCommitOptions {
  windowMs?: number;
  maxDocs?: number;
  maxBytes?: number;
  maxPendingBytes?: number;
  observer?: () => IngestObserver;
  /** Tests only: an extra delay before each group is written (a slowed database). */
  delayMs?: () => number;
}

export interface ChunkGroupCommit {
  /** Resolves once the chunk is durable: true when it is new, false when that `_id` was stored before. */
  insert(doc: LeanChunkDoc): Promise<boolean>;
  /** Bytes queued or being written now, and writers waiting for room. */
  pending(): { bytes: number; waiting: number };
  /** Writes what is queued and waits for every group under way. */
  drain(): Promise<void>;
}

/**
 * Group commit of recorded chunks across every socket of this node: chunks arriving within a short
 * window (or up to a size bound) go to the database in one unordered `insertMany`. A duplicate `_id`
 * (a batch sent again) fails only its own document and answers "stored before"; any other error fails
 * the chunks it concerns, never the group's others. A chunk's promise settles only after the database
 * answered for it, so an acknowledgement built on it is never ahead of the data.
 *
 * Backpressure: at most `maxPendingBytes` of chunks are queued or in flight; a writer past it waits
 * (its acknowledgement comes later, and the widget keeps the batch in its outbox meanwhile).
 */
export function chunkGroupCommit(collection: Collection, options: GroupCommitOptions = {}): ChunkGroupCommit {
  const windowMs = options.windowMs ?? GROUP_COMMIT_WINDOW_MS;
  const maxDocs = options.maxDocs ?? GROUP_COMMIT_MAX_DOCS;
  const maxBytes = options.maxBytes ?? GROUP_COMMIT_MAX_BYTES;
  const maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_INGEST_BYTES;
  let queue: Waiting[] = [];
  let queuedBytes = 0;
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();
  /** Writers waiting for room, first come first served. */
  const blocked: Array<{ bytes: number; go(): void }> = [];

  const report = () => options.observer?.().pendingBytes(pendingBytes, blocked.length);

  function admit(bytes: number): Promise<void> | void {
    // One chunk larger than the bound still goes through alone, so nothing waits for ever.
    if (blocked.length === 0 && (pendingBytes === 0 || pendingBytes + bytes <= maxPendingBytes)) {
      pendingBytes += bytes;
      return;
    }
    return new Promise<void>((go) => {
      blocked.push({ bytes, go });
      report();
    });
  }

  function release(bytes: number) {
    pendingBytes -= bytes;
    while (blocked.length && (pendingBytes === 0 || pendingBytes + blocked[0].bytes <= maxPendingBytes)) {
      const next = blocked.shift()!;
      pendingBytes += next.bytes;
      next.go();
    }
    report();
  }

  function schedule() {
    if (queue.length >= maxDocs || queuedBytes >= maxBytes) return writeGroup();
    timer ??= setTimeout(writeGroup, windowMs);
  }

  function writeGroup() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!queue.length) return;
    const group = queue;
    queue = [];
    queuedBytes = 0;
    const written = write(group).finally(() => inFlight.delete(written));
    inFlight.add(written);
  }

  async function write(group: Waiting[]) {
    const bytes = group.reduce((sum, waiting) => sum + waiting.doc.data.length, 0);
    const delay = options.delayMs?.() ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const started = performance.now();
    const failed = new Map<number, Error | 'duplicate'>();
    try {
      await collection.insertMany(group.map((waiting) => waiting.doc) as never[], { ordered: false });
    } catch (error) {
      const writeErrors = (error as MongoBulkWriteError).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (!list.length) for (let i = 0; i < group.length; i++) failed.set(i, error as Error);
      for (const writeError of list) failed.set(writeError.index, writeError.code === DUPLICATE_KEY ? 'duplicate' : new Error(writeError.errmsg ?? 'chunk write failed'));
    }
    options.observer?.().groupWritten(group.length, bytes, performance.now() - started);
    release(bytes);
    group.forEach((waiting, i) => {
      const outcome = failed.get(i);
      if (outcome instanceof Error) waiting.reject(outcome);
      else waiting.resolve(outcome !== 'duplicate');
    });
  }

  return {
    async insert(doc) {
      await admit(doc.data.length);
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ doc, resolve, reject });
        queuedBytes += doc.data.length;
        schedule();
      });
    },
    pending: () => ({ bytes: pendingBytes, waiting: blocked.length }),
    async drain() {
      writeGroup();
      while (inFlight.size || queue.length) {
        writeGroup();
        await Promise.allSettled([...inFlight]);
      }
    },
  };
}
