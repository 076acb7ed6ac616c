import { describe, expect, it } from 'vitest';
import { customEvent, splitEvent } from '../../../server/src/protocol/recording-events.js';
import type { ChatMessage } from '../../../server/src/protocol/chat-events.js';
import { EventStream } from './event-stream.js';
import { streamChunks } from './replay-api.js';
import { chunkPlan, currentMessageIndex, formatDuration, markerColours, messageMarkers, pageMarkers, MARKER_COLOURS } from './timeline-markers.js';

const chunk = (seq: number, firstTs: number, hasFullSnapshot: boolean) => ({ seq, firstTs, lastTs: firstTs + 9, eventCount: 1, bytes: 1, hasFullSnapshot });
const message = (seq: number, at: number, text = `m${seq}`): ChatMessage => ({
  id: `id${seq}`,
  sessionId: 's',
  seq,
  role: 'visitor',
  text,
  createdAt: new Date(at).toISOString(),
  clientId: null,
});

describe('chunkPlan', () => {
  const chunks = [chunk(3, 30, true), chunk(1, 10, false), chunk(2, 20, true), chunk(4, 40, false)];
  it('starts a replay at the first chunk with a full snapshot, in seq order', () => {
    expect(chunkPlan(chunks).map((c) => c.seq)).toEqual([2, 3, 4]);
  });
  it('starts at the nearest full snapshot at or before a moment (live: the newest)', () => {
    expect(chunkPlan(chunks, 25).map((c) => c.seq)).toEqual([2, 3, 4]);
    expect(chunkPlan(chunks, Number.MAX_SAFE_INTEGER).map((c) => c.seq)).toEqual([3, 4]);
  });
  it('keeps everything when no chunk has a snapshot yet', () => {
    expect(chunkPlan([chunk(2, 20, false), chunk(1, 10, false)]).map((c) => c.seq)).toEqual([1, 2]);
  });
});

describe('markers and the transcript playhead', () => {
  it('marks every page (Meta event) and every message, coloured by kind', () => {
    const pages = pageMarkers([
      { type: 4, timestamp: 5, data: { href: 'http://x/demo/' } },
      { type: 3, timestamp: 6, data: {} },
      { type: 4, timestamp: 9, data: { href: 'http://x/demo/checkout.html' } },
    ]);
    const messages = messageMarkers([message(1, 7, 'x'.repeat(500))]);
    expect(pages.map((m) => [m.timestamp, (m.data as { tag: string }).tag])).toEqual([
      [5, 'Page: http://x/demo/'],
      [9, 'Page: http://x/demo/checkout.html'],
    ]);
    expect((messages[0].data as { tag: string }).tag).toHaveLength(80);
    const colours = markerColours([...pages, ...messages]);
    expect(colours['Page: http://x/demo/']).toBe(MARKER_COLOURS.page);
    expect(Object.values(colours).filter((c) => c === MARKER_COLOURS.message)).toHaveLength(1);
  });

  it('highlights the last message sent at or before the playhead', () => {
    const messages = [message(1, 1000), message(2, 2000), message(3, 3000)];
    expect(currentMessageIndex(messages, 999)).toBe(-1);
    expect(currentMessageIndex(messages, 1000)).toBe(0);
    expect(currentMessageIndex(messages, 2999)).toBe(1);
    expect(currentMessageIndex(messages, 9999)).toBe(2);
  });

  it('formats durations', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(30 * 60_000)).toBe('30:00');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    // As the summary's links and the player's clock: a moment 0.6 s in is in second 0.
    expect(formatDuration(551)).toBe('0:00');
    expect(formatDuration(1_999)).toBe('0:01');
  });
});

describe('EventStream', () => {
  it('joins an event split across chunks and never passes its pieces on', () => {
    const big = { type: 2, timestamp: 50, data: { node: { id: 1, text: 'y'.repeat(100) } } };
    const parts = splitEvent(JSON.stringify(big), 50, 40, 'p1')!;
    expect(parts.length).toBeGreaterThan(2);
    const stream = new EventStream();
    const first = stream.push([{ type: 4, timestamp: 1, data: {} }, ...parts.slice(0, 2)]);
    expect(first).toEqual([{ type: 4, timestamp: 1, data: {} }]);
    expect(stream.push([...parts.slice(2), { type: 3, timestamp: 60, data: {} }])).toEqual([big, { type: 3, timestamp: 60, data: {} }]);
  });

  it('drops malformed pieces from a hostile recording instead of throwing', () => {
    const stream = new EventStream();
    const broken = customEvent('chatreel/part', { id: 'x', index: 0, count: 1, text: '{not json' }, 5);
    const odd = customEvent('chatreel/part', { id: 7, index: 'a' }, 6);
    expect(stream.push([broken, odd, { type: 3, timestamp: 7 }])).toEqual([{ type: 3, timestamp: 7 }]);
  });
});

describe('streamChunks', () => {
  it('delivers chunks in order while fetching several at once', async () => {
    const resolvers = new Map<number, (events: []) => void>();
    const started: number[] = [];
    const delivered: number[] = [];
    const done = streamChunks(
      [1, 2, 3, 4, 5, 6],
      (seq) => {
        started.push(seq);
        return new Promise((resolve) => resolvers.set(seq, resolve));
      },
      (_events, seq) => delivered.push(seq),
    );
    await Promise.resolve();
    expect(started).toEqual([1, 2, 3, 4]);
    resolvers.get(2)!([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(delivered).toEqual([]);
    resolvers.get(1)!([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(delivered).toEqual([1, 2]);
    for (const seq of [3, 4, 5, 6]) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      resolvers.get(seq)?.([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    resolvers.get(5)?.([]);
    resolvers.get(6)?.([]);
    await done;
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
