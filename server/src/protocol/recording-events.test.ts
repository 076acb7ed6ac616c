import { describe, expect, it } from 'vitest';
import { MAX_EVENT_PART_CHARS, MAX_EVENT_PARTS, MAX_JOINED_EVENT_CHARS, MAX_PENDING_PART_CHARS, MAX_PENDING_SPLIT_EVENTS } from './limits.js';
import { customEvent, EventPartJoiner, joinEventParts, PART_TAG, splitEvent, type RecordedEvent } from './recording-events.js';

/** Split events (`chatreel/part`) as a hostile recording could write them: every number chosen by the attacker. */
const part = (payload: unknown, ts = 10): RecordedEvent => customEvent(PART_TAG, payload, ts);
const elapsedMs = (work: () => unknown) => {
  const started = performance.now();
  work();
  return performance.now() - started;
};

describe('joining split events from a hostile recording', () => {
  it('drops pieces whose index is near 1e8 at once (it froze the event loop for ~37 s: a sparse array walked to the index)', () => {
    const hostile = [1e8 - 3, 1e8 - 2, 1e8 - 1].map((index) => part({ id: 'big', index, count: 1e8, text: 'x' }));
    const honest = { type: 3, timestamp: 11, data: { source: 1 } };
    let joined: RecordedEvent[] = [];
    // Generous: the bounded reader takes well under a millisecond here.
    expect(elapsedMs(() => (joined = joinEventParts([...hostile, honest])))).toBeLessThan(1_000);
    expect(joined).toEqual([honest]);
  });

  it('drops pieces with an index at or past their count, a count past the limit, and wrong types', () => {
    const bad = [
      { id: 'a', index: 1, count: 1, text: '{}' },
      { id: 'b', index: -1, count: 2, text: '{}' },
      { id: 'c', index: 0, count: MAX_EVENT_PARTS + 1, text: '{}' },
      { id: 'd', index: 0.5, count: 2, text: '{}' },
      { id: 'e', index: 0, count: Number.POSITIVE_INFINITY, text: '{}' },
      { id: 'f', index: Number.NaN, count: 1, text: '{}' },
      { id: 7, index: 0, count: 1, text: '{}' },
      { id: 'g', index: 0, count: 1, text: 42 },
      { id: 'x'.repeat(1000), index: 0, count: 1, text: '{}' },
      { id: 'h', index: 0, count: 1, text: 'y'.repeat(MAX_EVENT_PART_CHARS + 1) },
      null,
      'part',
    ].map((payload) => part(payload));
    const joiner = new EventPartJoiner();
    expect(bad.map((event) => joiner.push(event))).toEqual(bad.map(() => null));
    expect(joiner.dropped).toBe(bad.length);
  });

  it('drops joined text that is not one rrweb event, and events whose timestamp no Date can hold', () => {
    const texts = ['{not json', '[1,2]', 'null', '{"type":2}', '{"type":99,"timestamp":1}', '{"type":2,"timestamp":1e308}', '{"type":2,"timestamp":-5}'];
    expect(joinEventParts(texts.map((text, i) => part({ id: `t${i}`, index: 0, count: 1, text })))).toEqual([]);
  });

  it('holds at most MAX_PENDING_SPLIT_EVENTS unfinished events: the oldest is dropped, later ones still join', () => {
    const unfinished = Array.from({ length: 10_000 }, (_, i) => part({ id: `u${i}`, index: 0, count: 2, text: '{"type":2,' }));
    const joiner = new EventPartJoiner();
    for (const event of unfinished) expect(joiner.push(event)).toBeNull();
    expect(joiner.dropped).toBe(10_000 - MAX_PENDING_SPLIT_EVENTS);
    // The newest ones are still awaited and complete.
    expect(joiner.push(part({ id: 'u9999', index: 1, count: 2, text: '"timestamp":5}' }))).toEqual({ type: 2, timestamp: 5 });
  });

  it('holds at most MAX_PENDING_PART_CHARS of pieces, and a piece repeated is not counted twice', () => {
    const big = 'z'.repeat(MAX_EVENT_PART_CHARS);
    const joiner = new EventPartJoiner();
    const pieces = Math.ceil(MAX_PENDING_PART_CHARS / MAX_EVENT_PART_CHARS) + 5;
    // Pieces of several events, never finished: what is held stays within the budget.
    for (let i = 0; i < pieces; i++) joiner.push(part({ id: `p${i % MAX_PENDING_SPLIT_EVENTS}`, index: Math.floor(i / MAX_PENDING_SPLIT_EVENTS), count: MAX_EVENT_PARTS, text: big }));
    expect((joiner as unknown as { pendingChars: number }).pendingChars).toBeLessThanOrEqual(MAX_PENDING_PART_CHARS);
    const once = new EventPartJoiner();
    once.push(part({ id: 'r', index: 0, count: 2, text: '{"type":2,' }));
    expect(once.push(part({ id: 'r', index: 0, count: 2, text: '{"type":4,' }))).toBeNull();
    expect(once.push(part({ id: 'r', index: 1, count: 2, text: '"timestamp":1}' }))).toEqual({ type: 2, timestamp: 1 });
  });
});

describe('splitting an event (the widget)', () => {
  it('splits the largest event readers join back, and refuses a larger one instead of writing pieces past the limits', () => {
    const event = { type: 2, timestamp: 7, data: { node: 'n'.repeat(MAX_JOINED_EVENT_CHARS - 60) } };
    const json = JSON.stringify(event);
    expect(json.length).toBeLessThanOrEqual(MAX_JOINED_EVENT_CHARS);
    const parts = splitEvent(json, 7, MAX_EVENT_PART_CHARS * 4, 's1')!;
    expect(parts.length).toBeLessThanOrEqual(MAX_EVENT_PARTS);
    expect(joinEventParts(parts)).toEqual([event]);
    expect(splitEvent('x'.repeat(MAX_JOINED_EVENT_CHARS + 1), 7, MAX_EVENT_PART_CHARS, 's2')).toBeNull();
    expect(splitEvent('{}', 7, 0, 's3')).toBeNull();
  });
});
