import { BATCH_TARGET_RAW_BYTES, MAX_UNACKED_BATCHES } from '../../../server/src/protocol/limits.js';
import { customEvent, GAP_TAG, splitEvent, type RecordedEvent } from '../../../server/src/protocol/recording-events.js';

/** How often the widget sends what it recorded. */
export const FLUSH_INTERVAL_MS = 2_000;
/** Offline buffer: past this (compressed + pending bytes) unsent incremental events are dropped. */
export const MAX_BUFFER_BYTES = 5_000_000;
/** Batches awaiting an answer at once. */
export const MAX_IN_FLIGHT = 4;
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

/** A refusal the server will repeat however often the batch is sent (E_INVALID_PAYLOAD, E_TOO_LARGE…). */
export class BatchRefused extends Error {
  constructor(readonly code: string) {
    super(`batch refused: ${code}`);
  }
}

/** The server asked for a pause (E_RATE_LIMITED): the batch is kept and sent again no sooner than this. */
export class BatchDeferred extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`batch deferred for ${retryAfterMs} ms`);
  }
}

export interface OutboxTransport {
  isOnline(): boolean;
  /** Resolves with the server's answer; rejects on network failure/timeout, or with BatchRefused or BatchDeferred. */
  send(seq: number, data: Uint8Array): Promise<{ ackedThrough: number }>;
  /** pagehide: hands one batch to the browser (keepalive); false when the browser would not take it. */
  beacon(seq: number, body: Uint8Array | string, encoding: 'gzip' | 'json'): boolean;
}

export interface OutboxOptions {
  transport: OutboxTransport;
  compress: (json: string) => Promise<Uint8Array>;
  firstSeq: number;
  /** Told each time a seq is given out, so the next page never reuses one (see recorder-storage). */
  onSeq?: (nextSeq: number) => void;
  /** The buffer overflowed and dropped events: take a fresh full snapshot so the replay can go on. */
  onOverflow?: () => void;
  random?: () => number;
  flushIntervalMs?: number;
  targetRawBytes?: number;
  maxBufferBytes?: number;
  maxUnackedBatches?: number;
}

interface Batch {
  seq: number;
  /** Raw JSON until compressed (then dropped to halve memory). */
  json?: string;
  data?: Uint8Array;
  eventCount: number;
  /** Sent at least once: the server may have stored it, so its seq can never be given to other events. */
  attempted: boolean;
  inFlight: boolean;
}

/**
 * Delivery of recorded events, at least once: events are gathered into batches with a per-session
 * seq, compressed, sent, and kept until the server says they are stored (it acknowledges the highest
 * contiguous seq). Failures are retried with exponential backoff and jitter. While offline the
 * batches wait in a bounded buffer; on overflow the unsent ones are dropped, their seqs reused, and a
 * gap marker plus a fresh full snapshot keep the replay playable. On pagehide the unacknowledged
 * tail goes out through the transport's beacon with the same seqs, so nothing is stored twice.
 */
export class Outbox {
  private readonly queue: Batch[] = [];
  private pending: string[] = [];
  private pendingBytes = 0;
  private nextSeq: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private splitCounter = 0;
  private flushIntervalMs: number;
  private leading = false;
  /** When the last batch was sealed (Date.now()): the leading edge waits out the rest of an interval from it. */
  private sealedAt = -Infinity;
  private readonly targetRawBytes: number;
  private readonly maxBufferBytes: number;
  private readonly maxUnackedBatches: number;
  private readonly random: () => number;
  private stopped = false;
  private overflowing = false;

  constructor(private readonly options: OutboxOptions) {
    this.nextSeq = options.firstSeq;
    this.flushIntervalMs = options.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.targetRawBytes = options.targetRawBytes ?? BATCH_TARGET_RAW_BYTES;
    this.maxBufferBytes = options.maxBufferBytes ?? MAX_BUFFER_BYTES;
    this.maxUnackedBatches = options.maxUnackedBatches ?? MAX_UNACKED_BATCHES;
    this.random = options.random ?? Math.random;
  }

  /** Seqs given out but not yet acknowledged, oldest first. */
  get unacknowledged(): number[] {
    return this.queue.map((batch) => batch.seq);
  }

  get upcomingSeq(): number {
    return this.nextSeq;
  }

  push(event: RecordedEvent): void {
    if (this.stopped) return;
    const json = JSON.stringify(event);
    // A huge event (a full snapshot of a heavy page) is split into parts that each fit a batch.
    if (json.length > this.targetRawBytes / 2) {
      this.splitCounter += 1;
      const parts = splitEvent(json, event.timestamp, Math.floor(this.targetRawBytes / 2), `${event.timestamp}-${this.splitCounter}`);
      // Past what the server joins back (MAX_JOINED_EVENT_CHARS): sending it would only be dropped there.
      if (!parts) return this.pushJson(JSON.stringify(customEvent(GAP_TAG, { reason: 'event-too-large', droppedEvents: 1, chars: json.length }, event.timestamp)));
      for (const part of parts) this.pushJson(JSON.stringify(part));
      return;
    }
    this.pushJson(json);
  }

  /** Seals what is pending into a batch now and sends what can be sent. */
  flush(): void {
    this.clearFlushTimer();
    this.seal();
    this.pump();
  }

  /** The connection is back: seal what waited, retry at once, forget the backoff. */
  kick(): void {
    this.failures = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.flush();
  }

  /**
   * Shorter intervals while an agent watches live. `leading`: a change after a quiet spell goes out at
   * once (with whatever the same task records) instead of waiting out the interval; changes that follow
   * within the interval gather into the next batch. Without it, a lone change waited the whole interval.
   */
  setFlushInterval(ms: number, leading = false): void {
    this.flushIntervalMs = ms;
    this.leading = leading;
    if (this.flushTimer) this.flush();
  }

  /** The page is going away: seal synchronously and hand every unacknowledged batch to the beacon. */
  pageHide(): void {
    if (this.stopped) return;
    this.clearFlushTimer();
    this.seal();
    for (const batch of this.queue) {
      const accepted = batch.data
        ? this.options.transport.beacon(batch.seq, batch.data, 'gzip')
        : this.options.transport.beacon(batch.seq, batch.json!, 'json');
      if (!accepted) break; // the browser's keepalive quota is used up; later ones cannot go either
      batch.attempted = true;
    }
  }

  stop(): void {
    this.stopped = true;
    this.clearFlushTimer();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private pushJson(json: string): void {
    if (this.pendingBytes + json.length + 2 > this.targetRawBytes) {
      // The server refuses seqs too far ahead of what it stored (SEQ_AHEAD_WINDOW): with the queue
      // full, the unsent batches give way, as when the buffer overflows.
      if (this.queue.length >= this.maxUnackedBatches && !this.overflowing) this.overflow(true);
      else this.seal();
    }
    this.pending.push(json);
    this.pendingBytes += json.length + 1;
    this.armFlushTimer();
    if (!this.overflowing && this.bufferedBytes() > this.maxBufferBytes) this.overflow();
  }

  private armFlushTimer(): void {
    if (this.flushTimer) return;
    const wait = this.leading ? Math.max(0, this.sealedAt + this.flushIntervalMs - Date.now()) : this.flushIntervalMs;
    this.flushTimer = setTimeout(() => this.flushOnTimer(), wait);
  }

  /**
   * The timer seals only a batch that can go out: offline, or with the queue full, the events stay in
   * the pending batch (one bigger batch instead of a seq every interval; kick() or an acknowledgement
   * seals it later).
   */
  private flushOnTimer(): void {
    this.flushTimer = undefined;
    if (!this.options.transport.isOnline() || this.queue.length >= this.maxUnackedBatches) return;
    this.flush();
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    this.sealedAt = Date.now();
    const batch: Batch = {
      seq: this.nextSeq,
      json: `[${this.pending.join(',')}]`,
      eventCount: this.pending.length,
      attempted: false,
      inFlight: false,
    };
    this.nextSeq += 1;
    this.pending = [];
    this.pendingBytes = 0;
    this.queue.push(batch);
    this.options.onSeq?.(this.nextSeq);
    this.options.compress(batch.json!).then(
      (data) => {
        batch.data = data;
        batch.json = undefined;
        this.pump();
      },
      () => undefined, // CompressionStream cannot fail on a string; a failure leaves the JSON for the beacon
    );
  }

  private pump(): void {
    if (this.stopped || this.retryTimer || !this.options.transport.isOnline()) return;
    let inFlight = this.queue.filter((batch) => batch.inFlight).length;
    for (const batch of this.queue) {
      if (inFlight >= MAX_IN_FLIGHT) return;
      if (batch.inFlight || !batch.data) continue;
      inFlight += 1;
      this.send(batch);
    }
  }

  private send(batch: Batch): void {
    batch.inFlight = true;
    batch.attempted = true;
    this.options.transport.send(batch.seq, batch.data!).then(
      ({ ackedThrough }) => {
        this.failures = 0;
        this.acknowledge(batch.seq, ackedThrough);
        this.pump();
      },
      (error: unknown) => {
        batch.inFlight = false;
        if (this.stopped) return;
        if (error instanceof BatchRefused) {
          // Sending it again would be refused again: its seq carries a gap marker instead, so the
          // server's contiguous acknowledgement can move past it.
          this.replaceWithGap(batch, error.code);
          return;
        }
        this.scheduleRetry(error instanceof BatchDeferred ? error.retryAfterMs : 0);
      },
    );
  }

  private acknowledge(seq: number, ackedThrough: number): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i].seq === seq || this.queue[i].seq <= ackedThrough) this.queue.splice(i, 1);
    }
    if (this.pending.length > 0 && !this.stopped) this.armFlushTimer();
  }

  private scheduleRetry(notBeforeMs: number): void {
    if (this.retryTimer) return;
    this.failures += 1;
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
    // Full backoff with jitter, so visitors dropped together do not all come back in the same instant.
    const delay = Math.max(Math.min(notBeforeMs, RETRY_MAX_MS * 2), ceiling / 2) + (this.random() * ceiling) / 2;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
  }

  private replaceWithGap(batch: Batch, reason: string): void {
    const json = JSON.stringify([customEvent(GAP_TAG, { reason, droppedEvents: batch.eventCount }, Date.now())]);
    batch.data = undefined;
    batch.json = json;
    batch.eventCount = 1;
    void this.options.compress(json).then((data) => {
      batch.data = data;
      batch.json = undefined;
      this.pump();
    });
  }

  private bufferedBytes(): number {
    return this.queue.reduce((sum, batch) => sum + (batch.data?.byteLength ?? batch.json?.length ?? 0), this.pendingBytes);
  }

  /**
   * Drops every batch never sent and everything pending, gives their seqs out again (the server
   * cannot have them), then records a gap marker and asks for a fresh full snapshot.
   */
  private overflow(queueFull = false): void {
    const firstUnsent = this.queue.findIndex((batch) => !batch.attempted);
    const unsent = firstUnsent === -1 ? [] : this.queue.slice(firstUnsent);
    const unsentBytes = unsent.reduce((sum, batch) => sum + (batch.data?.byteLength ?? batch.json?.length ?? 0), this.pendingBytes);
    // Mostly batches the server may already hold: dropping the little rest would not help.
    if (!queueFull && unsentBytes < this.maxBufferBytes / 4) return;
    const dropped = firstUnsent === -1 ? [] : this.queue.splice(firstUnsent);
    const droppedEvents = dropped.reduce((sum, batch) => sum + batch.eventCount, this.pending.length);
    if (dropped.length > 0) {
      this.nextSeq = dropped[0].seq;
      this.options.onSeq?.(this.nextSeq);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowing = true;
    try {
      this.pushJson(JSON.stringify(customEvent(GAP_TAG, { reason: queueFull ? 'outbox-queue-full' : 'offline-buffer-full', droppedEvents }, Date.now())));
      this.options.onOverflow?.();
    } finally {
      this.overflowing = false;
    }
  }

  private clearFlushTimer(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }
}
