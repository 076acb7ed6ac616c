/**
 * What the storage's ingest path tells whoever watches it (the server's /metrics): plain callbacks,
 * so storage/ knows nothing of the metrics library. Every method is cheap and never throws.
 */
export interface IngestObserver {
  /** One group commit answered: chunks in it, their bytes, the database's time for it (ms). */
  groupWritten(chunks: number, bytes: number, ms: number): void;
  /** Chunk bytes queued or being written on this node, and writers waiting for room (backpressure). */
  pendingBytes(bytes: number, waitingWriters: number): void;
  /** One write-behind flush answered: sessions it wrote, the time it took (ms), sessions still pending. */
  derivedFlushed(sessions: number, ms: number, stillPending: number): void;
}

export const NO_OBSERVER: IngestObserver = {
  groupWritten() {},
  pendingBytes() {},
  derivedFlushed() {},
};
