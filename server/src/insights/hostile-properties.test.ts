import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NOTES } from '../chat/chat-service.js';
import { AppError } from '../http/app-error.js';
import { decodeBatch } from '../ingest/batch-decoder.js';
import { MAX_DOM_DEPTH, MAX_PENDING_PART_CHARS, MAX_PENDING_SPLIT_EVENTS } from '../protocol/limits.js';
import { EventPartJoiner, isRecordedEvent, PART_TAG, type RecordedEvent } from '../protocol/recording-events.js';
import { analyzeRecording } from './analyze-recording.js';
import { DomMirror } from './dom-mirror.js';
import { deepChain, hostileStream, jsonHostileEvent, jsonHostileStream, manyParts, nodeId, serializedNode, wrongType } from './fixtures/hostile-arbitraries.js';
import { extractFacts } from './session-facts.js';
import { detectSignals } from './signals.js';
import { buildTimeline, compressTimeline, MAX_TIMELINE_ENTRIES } from './timeline.js';

/**
 * Property-based layer (a) of issue 14: hostile rrweb streams and payloads through every pure stage
 * that touches recorded data (decode, join, DOM copy, facts, signals, timeline, the worker's whole
 * analysis). Each case must end within a bounded time and throw nothing but a typed AppError.
 * The number of cases is printed at the end.
 */
const CASE_BOUND_MS = 2_000;
const ran: Record<string, { cases: number; slowestMs: number }> = {};

/** Records one case of `stage` that took `ms`, and checks the bound. */
function record(stage: string, ms: number) {
  const entry = (ran[stage] ??= { cases: 0, slowestMs: 0 });
  entry.cases += 1;
  entry.slowestMs = Math.max(entry.slowestMs, ms);
  expect(ms).toBeLessThan(CASE_BOUND_MS);
}

function timed<T>(stage: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  record(stage, performance.now() - started);
  return result;
}

afterAll(() => {
  const total = Object.values(ran).reduce((sum, entry) => sum + entry.cases, 0);
  console.info(`hostile properties: ${total} cases — ${Object.entries(ran).map(([stage, { cases, slowestMs }]) => `${stage} ${cases} (slowest ${slowestMs.toFixed(0)} ms)`).join(', ')}`);
});

const gzipEvents = (events: unknown) => gzipSync(Buffer.from(JSON.stringify(events)));

describe('hostile recordings through the pure stages (fast-check)', () => {
  it('the DOM copy stays a tree: no parent chain loops or runs deeper than MAX_DOM_DEPTH, whatever is added or removed', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('reset' as const), node: fc.oneof(serializedNode, deepChain) }),
      fc.record({ op: fc.constant('mutate' as const), adds: fc.array(fc.record({ parentId: nodeId, node: fc.oneof(serializedNode, deepChain) }), { maxLength: 4 }), removes: fc.array(fc.record({ id: nodeId }), { maxLength: 3 }), attributes: fc.array(fc.record({ id: nodeId, attributes: fc.oneof(fc.record({ for: fc.string({ maxLength: 3 }) }), wrongType) }), { maxLength: 2 }) }),
      fc.record({ op: fc.constant('describe' as const), id: nodeId }),
    );
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 25 }), (operations) => {
        const mirror = new DomMirror();
        timed('dom-copy', () => {
          for (const operation of operations) {
            if (operation.op === 'reset') mirror.reset(operation.node);
            else if (operation.op === 'mutate') mirror.applyMutation(operation as unknown as Record<string, unknown>);
            else mirror.describe(typeof operation.id === 'number' ? operation.id : null);
          }
        });
        const nodes = (mirror as unknown as { nodes: Map<number, { parentId: number | null; children: Set<number> }> }).nodes;
        // Every node's parent is present and lists it, and its chain of parents ends within MAX_DOM_DEPTH.
        let broken = 0;
        for (const [id, node] of nodes) {
          let steps = 0;
          for (let childId = id, current = node; current.parentId !== null && broken === 0; steps++) {
            const parent = nodes.get(current.parentId);
            if (!parent || !parent.children.has(childId) || steps > MAX_DOM_DEPTH) broken += 1;
            else [childId, current] = [current.parentId, parent];
          }
        }
        expect(broken).toBe(0);
      }),
      { numRuns: 600 },
    );
  });

  it('facts, signals and the timeline of any stream: bounded time, no throw, finite numbers, at most MAX_TIMELINE_ENTRIES', () => {
    fc.assert(
      fc.property(hostileStream, (events) => {
        const { facts, timeline, text } = timed('facts-signals-timeline', () => {
          const facts = extractFacts(events);
          detectSignals(facts, [], NOTES.askedForHuman);
          const timeline = buildTimeline(facts, [], null);
          return { facts, timeline, text: compressTimeline(timeline, 8_000) };
        });
        expect(timeline.length).toBeLessThanOrEqual(MAX_TIMELINE_ENTRIES);
        expect(text.length).toBeLessThanOrEqual(8_000);
        for (const click of facts.clicks) expect([click.ts, click.x, click.y].every(Number.isFinite)).toBe(true);
        for (const scroll of facts.scrolls) expect([scroll.maxY, scroll.viewportHeight].every(Number.isFinite)).toBe(true);
        for (const entry of timeline) expect(Number.isFinite(entry.offsetMs)).toBe(true);
      }),
      { numRuns: 1_500 },
    );
  });

  it('split events: any pieces join in bounded time into rrweb events only, holding at most the pending budget', () => {
    fc.assert(
      fc.property(fc.oneof(manyParts, hostileStream), (events) => {
        const joiner = new EventPartJoiner();
        const out = timed('part-joining', () => events.map((event) => joiner.push(event as RecordedEvent)).filter((event) => event !== null));
        const state = joiner as unknown as { pending: Map<string, unknown>; pendingChars: number };
        expect(state.pending.size).toBeLessThanOrEqual(MAX_PENDING_SPLIT_EVENTS);
        expect(state.pendingChars).toBeLessThanOrEqual(MAX_PENDING_PART_CHARS);
        // What comes out is an event given in, or a joined one that is a valid rrweb event (never a piece).
        for (const event of out) expect(events.includes(event) || (isRecordedEvent(event) && (event.data as { tag?: unknown })?.tag !== PART_TAG)).toBe(true);
      }),
      { numRuns: 1_500 },
    );
  });

  it('the worker’s whole analysis of any chunks (gzip of hostile streams, of non-arrays, or not gzip at all) never throws', () => {
    const chunk = fc.oneof(
      { weight: 6, arbitrary: jsonHostileStream.map(gzipEvents) },
      { weight: 1, arbitrary: wrongType.map(gzipEvents) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 6 }), fc.option(fc.string({ maxLength: 20 })), (chunks, cutReason) => {
        const analysis = timed('analysis', () =>
          analyzeRecording({ chunks, cutReason, messages: [], askedForHumanNote: NOTES.askedForHuman, session: { startedAt: 0, endedAt: null, endReason: null } }),
        );
        // It crosses back from the worker thread: plain data only.
        expect(structuredClone(analysis)).toEqual(analysis);
        expect(analysis.timeline.length).toBeLessThanOrEqual(MAX_TIMELINE_ENTRIES);
      }),
      { numRuns: 500 },
    );
  });

  it('decoding a batch: a sane header that the header list reads back, or a typed refusal', async () => {
    const body = fc.oneof(
      { weight: 5, arbitrary: fc.array(jsonHostileEvent, { minLength: 0, maxLength: 30 }).map(gzipEvents) },
      { weight: 1, arbitrary: wrongType.map(gzipEvents) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (data) => {
        const started = performance.now();
        const outcome = await decodeBatch(data).then(
          (header) => ({ header }),
          (error: unknown) => ({ error }),
        );
        record('decode', performance.now() - started);
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(AppError);
          expect(['E_INVALID_PAYLOAD', 'E_TOO_LARGE']).toContain((outcome.error as AppError).code);
        } else {
          const { header } = outcome;
          // Whole numbers: every storage keeps them as written (storage/embedded/chunk-heads.test.ts).
          expect([header.firstTs, header.lastTs, header.eventCount, header.bytes].every(Number.isSafeInteger)).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
