/** How long a missing live batch may take to arrive before it is read from the database instead. */
export const LIVE_GAP_WAIT_MS = 1_000;
/** Reads of one missing batch from the database before it is given up (it may not be written yet). */
export const LIVE_GAP_READS = 2;
/**
 * Batches held behind missing ones at most. Past it the gap is given up: the viewer goes on from the
 * held batches (a session recording faster than the live budget is resynced by a fresh snapshot).
 */
export const MAX_HELD_LIVE_BATCHES = 50;
/** Seqs remembered from before the order starts (the few seconds until the player has its snapshot). */
const MAX_EARLY_SEQS = 1_000;

export type LiveBytes = ArrayBuffer | Uint8Array;

export interface LiveSequencerOptions {
  /** Called once per seq, in seq order. */
  deliver(seq: number, data: LiveBytes): void;
  /** The stored batch `seq`, or null when it is not (yet) stored. */
  read(seq: number): Promise<LiveBytes | null>;
  gapWaitMs?: number;
  maxHeld?: number;
}

/**
 * Puts a session's live batches in seq order for the player, each once. Batches can arrive out of
 * order (the server hands a small batch on while a large one before it is still being read) or not at
 * all (a live message is delivered at most once; a batch past the live budget is not sent): a batch
 * behind a missing one waits up to LIVE_GAP_WAIT_MS, then the missing one is read from the database,
 * the truth. A repeat (a batch sent again) is dropped by its seq. Until the player has its starting
 * snapshot there is no order yet (the snapshot may come after a later batch): batches are delivered as
 * they come, once each; `orderFrom` then starts the order after the snapshot's batch.
 */
export class LiveSequencer {
  private next: number | undefined;
  /** Delivered before the order started. */
  private early: Set<number> | undefined = new Set();
  private readonly held = new Map<number, LiveBytes>();
  private readonly reads = new Map<number, number>();
  /** Seqs the server said it will not send live (`replay:gap`): not waited for, not read. */
  private readonly skipped = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly gapWaitMs: number;
  private readonly maxHeld: number;

  constructor(private readonly options: LiveSequencerOptions) {
    this.gapWaitMs = options.gapWaitMs ?? LIVE_GAP_WAIT_MS;
    this.maxHeld = options.maxHeld ?? MAX_HELD_LIVE_BATCHES;
  }

  receive(seq: number, data: LiveBytes): void {
    if (this.closed || !Number.isSafeInteger(seq)) return;
    if (this.early) return this.deliverEarly(seq, data);
    if (seq < this.next! || this.held.has(seq)) return;
    this.held.set(seq, data);
    this.drain();
  }

  /** From now on in seq order, from `seq` on; what was delivered before is not delivered again. */
  orderFrom(seq: number): void {
    if (!this.early) return;
    const early = this.early;
    this.early = undefined;
    this.next = seq;
    for (const known of early) if (known >= seq) this.skipped.add(known);
    this.drain();
  }

  private deliverEarly(seq: number, data: LiveBytes): void {
    const early = this.early!;
    if (early.has(seq)) return;
    if (early.size >= MAX_EARLY_SEQS) early.delete(early.values().next().value!);
    early.add(seq);
    this.options.deliver(seq, data);
  }

  /** The server will not send `seq` live (past the live budget; a fresh snapshot follows): go on without it. */
  skip(seq: number): void {
    if (this.closed || this.early || !Number.isSafeInteger(seq) || seq < this.next! || this.skipped.size >= this.maxHeld) return;
    this.skipped.add(seq);
    this.drain();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.held.clear();
  }

  private drain(): void {
    while (this.next !== undefined && (this.held.has(this.next) || this.skipped.has(this.next))) {
      if (this.skipped.delete(this.next)) {
        this.next += 1;
        continue;
      }
      const data = this.held.get(this.next)!;
      this.held.delete(this.next);
      this.reads.delete(this.next);
      this.options.deliver(this.next, data);
      this.next += 1;
    }
    if (this.held.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.held.size > this.maxHeld) return this.skipGap();
    this.timer ??= setTimeout(() => void this.fillGap(), this.gapWaitMs);
  }

  /** Goes on from the oldest held batch: what is missing before it is given up. */
  private skipGap(): void {
    this.next = Math.min(...this.held.keys());
    this.reads.clear();
    for (const seq of this.skipped) if (seq < this.next) this.skipped.delete(seq);
    this.drain();
  }

  private async fillGap(): Promise<void> {
    this.timer = undefined;
    if (this.closed || this.next === undefined) return;
    const newest = Math.max(...this.held.keys());
    const missing: number[] = [];
    for (let seq = this.next; seq < newest && missing.length <= this.maxHeld; seq++) if (!this.held.has(seq) && !this.skipped.has(seq)) missing.push(seq);
    if (missing.length > this.maxHeld) return this.skipGap();
    const found = await Promise.all(missing.map((seq) => this.options.read(seq).catch(() => null)));
    if (this.closed) return;
    missing.forEach((seq, i) => {
      const data = found[i];
      if (data) return this.receive(seq, data);
      const reads = (this.reads.get(seq) ?? 0) + 1;
      this.reads.set(seq, reads);
      // Never stored (refused, or the visitor's tab died with it): the live view goes on without it.
      if (reads >= LIVE_GAP_READS && seq === this.next) {
        this.reads.delete(seq);
        this.next += 1;
      }
    });
    this.drain();
  }
}
