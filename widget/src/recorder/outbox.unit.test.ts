import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GAP_TAG, joinEventParts, PART_TAG, type RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { MAX_JOINED_EVENT_CHARS } from '../../../server/src/protocol/limits.js';
import { BatchDeferred, BatchRefused, FLUSH_INTERVAL_MS, Outbox, RETRY_BASE_MS, RETRY_MAX_MS, type OutboxTransport } from './outbox.js';

interface Sent {
  seq: number;
  events: RecordedEvent[];
  resolve(ackedThrough: number): void;
  reject(error: unknown): void;
}

const decode = (data: Uint8Array | string): RecordedEvent[] => JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));

/** A transport the test drives by hand: it sees every send and decides its outcome. */
function fakeTransport() {
  const sent: Sent[] = [];
  const beacons: Array<{ seq: number; encoding: string; events: RecordedEvent[] }> = [];
  const state = { online: true, beaconQuota: Infinity };
  const transport: OutboxTransport = {
    isOnline: () => state.online,
    send: (seq, data) =>
      new Promise((resolve, reject) => sent.push({ seq, events: decode(data), resolve: (ackedThrough) => resolve({ ackedThrough }), reject })),
    beacon: (seq, body, encoding) => {
      if (beacons.length >= state.beaconQuota) return false;
      beacons.push({ seq, encoding, events: decode(body) });
      return true;
    },
  };
  return { transport, sent, beacons, state };
}

// Identity "compression" keeps batches readable; the real one is CompressionStream('gzip').
const compress = async (json: string) => new TextEncoder().encode(json);
const event = (n: number, size = 10): RecordedEvent => ({ type: 3, timestamp: 1_000 + n, data: { source: 2, n, pad: 'x'.repeat(size) } });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Outbox batching and sequence numbers', () => {
  it('gathers events into one batch per flush interval, numbered from the first seq', async () => {
    const { transport, sent } = fakeTransport();
    const seqs: number[] = [];
    const outbox = new Outbox({ transport, compress, firstSeq: 7, onSeq: (next) => seqs.push(next) });
    for (let i = 0; i < 3; i += 1) outbox.push(event(i));
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS - 1);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => [s.seq, s.events.map((e) => (e.data as { n: number }).n)])).toEqual([[7, [0, 1, 2]]]);

    outbox.push(event(3));
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
    expect(sent.map((s) => s.seq)).toEqual([7, 8]);
    expect(seqs).toEqual([8, 9]);
    expect(outbox.unacknowledged).toEqual([7, 8]);
    sent[1].resolve(6); // stored, while 7 is still unknown to the server
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.unacknowledged).toEqual([7]);
    sent[0].resolve(8);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.unacknowledged).toEqual([]);
  });

  it('seals a batch before it outgrows the target size', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1, targetRawBytes: 1_000 });
    for (let i = 0; i < 20; i += 1) outbox.push(event(i, 150));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    for (const s of sent) s.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.map((s) => s.seq)).toEqual(sent.map((_, i) => i + 1));
    for (const s of sent) expect(JSON.stringify(s.events).length).toBeLessThanOrEqual(1_000);
    expect(sent.flatMap((s) => s.events.map((e) => (e.data as { n: number }).n))).toEqual([...Array(20).keys()]);
  });

  it('splits an event larger than a batch into parts that join back to the same event', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1, targetRawBytes: 1_000 });
    const snapshot: RecordedEvent = { type: 2, timestamp: 5, data: { node: 'y'.repeat(3_000) } };
    outbox.push(snapshot);
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    sent.forEach((s) => s.resolve(0));
    await vi.advanceTimersByTimeAsync(0);
    const all = sent.flatMap((s) => s.events);
    expect(all.length).toBeGreaterThan(3);
    expect(all.every((e) => e.type === 5 && (e.data as { tag: string }).tag === PART_TAG)).toBe(true);
    for (const s of sent) expect(JSON.stringify(s.events).length).toBeLessThanOrEqual(1_000);
    expect(joinEventParts(all)).toEqual([snapshot]);
  });

  it('sends a gap marker instead of an event too large for the server to join back (past MAX_JOINED_EVENT_CHARS)', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1 });
    outbox.push({ type: 2, timestamp: 5, data: { node: 'y'.repeat(MAX_JOINED_EVENT_CHARS) } });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    const all = sent.flatMap((s) => s.events);
    expect(all.some((e) => (e.data as { tag?: string }).tag === PART_TAG)).toBe(false);
    expect(all[0]).toMatchObject({ type: 5, timestamp: 5, data: { tag: GAP_TAG, payload: { reason: 'event-too-large', droppedEvents: 1 } } });
    expect(all[1]).toEqual(event(1));
  });
});

describe('Outbox while an agent watches live (leading edge)', () => {
  const WATCHED_MS = 100;
  const numbers = (sent: Sent[]) => sent.map((s) => s.events.map((e) => (e.data as { n: number }).n));

  it('sends a change after a quiet spell at once; what follows within the interval goes together at its end', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1 });
    outbox.setFlushInterval(WATCHED_MS, true);
    outbox.push(event(0));
    outbox.push(event(1)); // the same task: the same batch
    await vi.advanceTimersByTimeAsync(0);
    expect(numbers(sent)).toEqual([[0, 1]]);

    await vi.advanceTimersByTimeAsync(30);
    outbox.push(event(2));
    await vi.advanceTimersByTimeAsync(40);
    outbox.push(event(3));
    await vi.advanceTimersByTimeAsync(WATCHED_MS - 70 - 1);
    expect(numbers(sent)).toEqual([[0, 1]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(numbers(sent)).toEqual([[0, 1], [2, 3]]);

    await vi.advanceTimersByTimeAsync(5 * WATCHED_MS);
    outbox.push(event(4));
    await vi.advanceTimersByTimeAsync(0);
    expect(numbers(sent)).toEqual([[0, 1], [2, 3], [4]]);
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('waits out the whole interval again once nobody watches', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1 });
    outbox.setFlushInterval(WATCHED_MS, true);
    outbox.setFlushInterval(FLUSH_INTERVAL_MS);
    outbox.push(event(0));
    await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS - 1);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(numbers(sent)).toEqual([[0]]);
  });
});

describe('Outbox retries', () => {
  it('retries an unacknowledged batch with exponential backoff and jitter, up to the ceiling', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1, random: () => 0 });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    const gaps: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const before = sent.length;
      sent.at(-1)!.reject(new Error('timeout'));
      let waited = 0;
      while (sent.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      gaps.push(waited);
    }
    // random() = 0 takes the lower half of each window: ceiling / 2.
    expect(gaps).toEqual([1, 2, 4, 8, 16, 30, 30, 30].map((s) => Math.min(RETRY_MAX_MS, RETRY_BASE_MS * s) / 2));
    expect(new Set(sent.map((s) => s.seq))).toEqual(new Set([1]));
  });

  it('spreads retries with jitter and retries at once when the connection comes back', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1, random: () => 1 });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    sent[0].reject(new Error('network'));
    await vi.advanceTimersByTimeAsync(RETRY_BASE_MS - 1);
    expect(sent).toHaveLength(1); // random() = 1: the full window
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    sent[1].reject(new Error('network'));
    await vi.advanceTimersByTimeAsync(10);
    outbox.kick();
    expect(sent).toHaveLength(3);
  });

  it('keeps a rate-limited batch and sends it again, unchanged, no sooner than the server asked', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 5, random: () => 0 });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    sent[0].reject(new BatchDeferred(20_000));
    await vi.advanceTimersByTimeAsync(19_999);
    expect(sent).toHaveLength(1);
    expect(outbox.unacknowledged).toEqual([5]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ seq: 5, events: sent[0].events });
    sent[1].resolve(5);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.unacknowledged).toEqual([]);
  });

  it('puts a gap marker under the seq of a batch the server refuses for good', async () => {
    const { transport, sent } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 4 });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    sent[0].reject(new BatchRefused('E_INVALID_PAYLOAD'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(2);
    expect(sent[1].seq).toBe(4);
    expect(sent[1].events).toMatchObject([{ type: 5, data: { tag: GAP_TAG, payload: { reason: 'E_INVALID_PAYLOAD', droppedEvents: 1 } } }]);
  });
});

describe('Outbox offline', () => {
  it('keeps batches while offline and sends them all, in order, when back', async () => {
    const { transport, sent, state } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1 });
    state.online = false;
    for (let i = 0; i < 30; i += 1) {
      outbox.push(event(i));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(sent).toHaveLength(0);
    state.online = true;
    outbox.kick();
    while (outbox.unacknowledged.length > 0) {
      await vi.advanceTimersByTimeAsync(0);
      for (const s of sent.filter((s) => !(s as { done?: boolean }).done)) {
        (s as { done?: boolean }).done = true;
        s.resolve(s.seq);
      }
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(sent.map((s) => s.seq)).toEqual([...Array(sent.length).keys()].map((i) => i + 1));
    expect(sent.flatMap((s) => s.events.map((e) => (e.data as { n: number }).n))).toEqual([...Array(30).keys()]);
  });

  it('on overflow drops unsent events, reuses their seqs, writes a gap marker and asks for a full snapshot', async () => {
    const { transport, sent, state } = fakeTransport();
    let outbox: Outbox;
    let snapshots = 0;
    const onOverflow = () => {
      snapshots += 1;
      outbox.push({ type: 2, timestamp: 9_999, data: { fresh: true } });
    };
    outbox = new Outbox({ transport, compress, firstSeq: 1, maxBufferBytes: 2_000, onOverflow });
    outbox.push(event(0));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.seq)).toEqual([1]); // in flight when the connection drops: may be stored
    state.online = false;
    sent[0].reject(new Error('disconnected'));
    for (let i = 1; i <= 20; i += 1) {
      outbox.push(event(i, 100));
      await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
    }
    expect(snapshots).toBeGreaterThan(0);
    state.online = true;
    outbox.kick();
    for (let round = 0; round < 10 && outbox.unacknowledged.length > 0; round += 1) {
      await vi.advanceTimersByTimeAsync(0);
      for (const s of sent) s.resolve(s.seq);
      await vi.advanceTimersByTimeAsync(0);
    }
    const seqs = [...new Set(sent.map((s) => s.seq))].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // no holes: dropped seqs were given out again
    const afterDrop = sent.filter((s) => s.seq > 1).flatMap((s) => s.events);
    expect(afterDrop[0]).toMatchObject({ type: 5, data: { tag: GAP_TAG, payload: { reason: 'offline-buffer-full' } } });
    expect(afterDrop[1]).toMatchObject({ type: 2, data: { fresh: true } });
    expect(outbox.unacknowledged).toEqual([]);
  });
});

describe('Outbox seqs stay within the server window (SEQ_AHEAD_WINDOW)', () => {
  it('does not give out a seq per flush interval while offline: what waits goes out as one batch', async () => {
    const { transport, sent, state } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 1 });
    state.online = false;
    // Ten minutes offline with the page busy: one event a second.
    for (let i = 0; i < 600; i += 1) {
      outbox.push(event(i));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(outbox.upcomingSeq).toBe(1);
    state.online = true;
    outbox.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.seq)).toEqual([1]);
    expect(sent[0].events).toHaveLength(600);
  });

  it('keeps at most maxUnackedBatches unacknowledged when the server does not answer; the unsent ones give way', async () => {
    const { transport, sent } = fakeTransport();
    let snapshots = 0;
    const outbox = new Outbox({ transport, compress, firstSeq: 1, targetRawBytes: 1_000, maxUnackedBatches: 8, onOverflow: () => (snapshots += 1) });
    let highest = 0;
    for (let i = 0; i < 400; i += 1) {
      outbox.push(event(i, 150));
      if (i % 3 === 0) await vi.advanceTimersByTimeAsync(FLUSH_INTERVAL_MS);
      highest = Math.max(highest, outbox.upcomingSeq - 1);
      expect(outbox.unacknowledged.length).toBeLessThanOrEqual(8);
    }
    // Only the four batches in flight were ever sent; every seq given out stays near them.
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(highest).toBeLessThanOrEqual(8 + 1);
    expect(snapshots).toBeGreaterThan(0);
    // The server answers at last: what was kept goes out, with a gap marker where events gave way.
    for (let round = 0; round < 20 && outbox.unacknowledged.length > 0; round += 1) {
      for (const s of sent) s.resolve(s.seq);
      outbox.flush();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(outbox.unacknowledged).toEqual([]);
    const seqs = [...new Set(sent.map((s) => s.seq))].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(sent.flatMap((s) => s.events)).toContainEqual(
      expect.objectContaining({ type: 5, data: expect.objectContaining({ tag: GAP_TAG, payload: expect.objectContaining({ reason: 'outbox-queue-full' }) }) }),
    );
  });
});

describe('Outbox on pagehide', () => {
  it('hands the unacknowledged tail to the beacon with the same seqs, pending events as JSON', async () => {
    const { transport, sent, beacons } = fakeTransport();
    const outbox = new Outbox({ transport, compress, firstSeq: 3 });
    outbox.push(event(1));
    outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    outbox.push(event(2)); // typed just before leaving: not sealed yet
    outbox.pageHide();
    expect(beacons.map((b) => [b.seq, b.encoding, b.events.map((e) => (e.data as { n: number }).n)])).toEqual([
      [3, 'gzip', [1]],
      [4, 'json', [2]],
    ]);
    expect(sent.map((s) => s.seq)).toEqual([3]);
  });

  it('stops at the browser keepalive quota', () => {
    const { transport, beacons, state } = fakeTransport();
    state.beaconQuota = 1;
    const outbox = new Outbox({ transport, compress, firstSeq: 1, targetRawBytes: 200 });
    for (let i = 0; i < 5; i += 1) outbox.push(event(i, 80));
    outbox.pageHide();
    expect(beacons.map((b) => b.seq)).toEqual([1]);
  });
});
