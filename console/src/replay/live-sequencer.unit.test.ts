import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_GAP_WAIT_MS, LiveSequencer, type LiveBytes } from './live-sequencer.js';

const bytes = (seq: number) => new Uint8Array(new Float64Array([seq]).buffer);
const seqOf = (data: LiveBytes) => new Float64Array((data as Uint8Array).buffer)[0];

/** A sequencer whose player started from the snapshot in batch `from - 1`. */
function sequencer(stored: Map<number, LiveBytes> = new Map(), maxHeld?: number, from: number | null = 1) {
  const delivered: number[] = [];
  const reads: number[] = [];
  const live = new LiveSequencer({
    deliver: (seq, data) => {
      expect(seqOf(data)).toBe(seq);
      delivered.push(seq);
    },
    read: async (seq) => (reads.push(seq), stored.get(seq) ?? null),
    maxHeld,
  });
  if (from !== null) live.orderFrom(from);
  return { live, delivered, reads };
}

describe('LiveSequencer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers a batch that arrives before the one ahead of it only after that one, each seq once', () => {
    const { live, delivered } = sequencer(new Map(), undefined, 4);
    live.receive(4, bytes(4));
    live.receive(6, bytes(6));
    live.receive(4, bytes(4));
    expect(delivered).toEqual([4]);
    live.receive(5, bytes(5));
    live.receive(5, bytes(5));
    live.receive(6, bytes(6));
    live.receive(3, bytes(3));
    expect(delivered).toEqual([4, 5, 6]);
  });

  it('before the player has its snapshot, delivers as batches come (the snapshot may come after a later one), then orders after it without repeats', async () => {
    const { live, delivered, reads } = sequencer(new Map([[8, bytes(8)]]), undefined, null);
    live.receive(6, bytes(6));
    live.receive(5, bytes(5));
    live.receive(7, bytes(7));
    live.receive(6, bytes(6));
    live.receive(9, bytes(9));
    expect(delivered).toEqual([6, 5, 7, 9]);
    // The player started from the snapshot in batch 5.
    live.orderFrom(6);
    live.receive(7, bytes(7));
    live.receive(10, bytes(10));
    expect(delivered).toEqual([6, 5, 7, 9]);
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS);
    expect(reads).toEqual([8]);
    expect(delivered).toEqual([6, 5, 7, 9, 8, 10]);
  });

  it('reads a batch that never arrives live from the database, then goes on in order', async () => {
    const { live, delivered, reads } = sequencer(new Map([[2, bytes(2)]]));
    live.receive(1, bytes(1));
    live.receive(3, bytes(3));
    live.receive(4, bytes(4));
    expect(delivered).toEqual([1]);
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS - 1);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toEqual([2]);
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('takes the live copy when it comes while the database is asked, and delivers it once', async () => {
    const stored = new Map<number, LiveBytes>();
    const { live, delivered } = sequencer(stored);
    live.receive(1, bytes(1));
    live.receive(3, bytes(3));
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS);
    // Not written yet at the first read; it arrives live before the second.
    live.receive(2, bytes(2));
    stored.set(2, bytes(2));
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS * 3);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('goes on without a batch that is never stored, after reading it twice', async () => {
    const { live, delivered, reads } = sequencer();
    live.receive(1, bytes(1));
    live.receive(3, bytes(3));
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS);
    expect(delivered).toEqual([1]);
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS);
    expect(reads).toEqual([2, 2]);
    expect(delivered).toEqual([1, 3]);
    live.receive(2, bytes(2));
    expect(delivered).toEqual([1, 3]);
  });

  it('holds a bounded number of batches behind a gap: past it, goes on from the oldest held', () => {
    const { live, delivered, reads } = sequencer(new Map(), 3);
    live.receive(1, bytes(1));
    for (const seq of [3, 4, 5]) live.receive(seq, bytes(seq));
    expect(delivered).toEqual([1]);
    live.receive(6, bytes(6));
    expect(delivered).toEqual([1, 3, 4, 5, 6]);
    expect(reads).toEqual([]);
  });

  it('never reads a range wider than it may hold (a seq far ahead from a hostile recording)', async () => {
    const { live, delivered, reads } = sequencer(new Map(), 3);
    live.receive(1, bytes(1));
    live.receive(1_000_000, bytes(1_000_000));
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS);
    expect(reads).toEqual([]);
    expect(delivered).toEqual([1, 1_000_000]);
  });

  it('does not wait for nor read a batch the server said it would not send live (replay:gap)', async () => {
    const { live, delivered, reads } = sequencer(new Map([[2, bytes(2)]]));
    live.receive(1, bytes(1));
    live.skip(2);
    live.receive(3, bytes(3));
    expect(delivered).toEqual([1, 3]);
    live.receive(5, bytes(5));
    live.skip(4);
    expect(delivered).toEqual([1, 3, 5]);
    await vi.advanceTimersByTimeAsync(LIVE_GAP_WAIT_MS * 2);
    expect(reads).toEqual([]);
  });
});
