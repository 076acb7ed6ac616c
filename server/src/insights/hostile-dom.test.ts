import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NOTES } from '../chat/chat-service.js';
import { MAX_DOM_DEPTH, MAX_INSIGHT_FACTS_PER_KIND } from '../protocol/limits.js';
import type { RecordedEvent } from '../protocol/recording-events.js';
import { click, deepTreeSnapshot, documentNode, element, focus, fullSnapshot, input, meta, mutation, parentCycleRecording, shopPage, T0, text } from './fixtures/hostile-events.js';
import { analyzeRecording } from './analyze-recording.js';
import { extractFacts } from './session-facts.js';
import { detectSignals } from './signals.js';
import { buildTimeline } from './timeline.js';

/**
 * Class 1 of issue 14: walks over a recorded tree. Each case once looped forever, overflowed the
 * stack or took quadratic time; the time bounds are generous (the reader takes milliseconds) and only
 * say that the work is bounded.
 */
function analyse(events: RecordedEvent[]) {
  const started = performance.now();
  const facts = extractFacts(events);
  const signals = detectSignals(facts, [], NOTES.askedForHuman);
  const timeline = buildTimeline(facts, []);
  return { facts, signals, timeline, ms: performance.now() - started };
}

describe('the insights read a hostile recorded DOM in bounded time', () => {
  it('a node added under itself, or under its own subtree, neither hangs nor breaks the rest of the page', () => {
    const { facts, ms } = analyse(parentCycleRecording());
    expect(ms).toBeLessThan(2_000);
    // The honest part of the page is still named: the labelled field, the form and its submit button.
    expect(facts.inputs.map((fact) => [fact.label, fact.formName])).toEqual([['Email', 'Checkout']]);
    expect(facts.clicks.at(-1)).toMatchObject({ label: 'Send', isSubmit: true, interactive: true });
  });

  it('a 100,000-deep tree neither overflows the stack nor is walked to its bottom', () => {
    const events = [meta(T0), deepTreeSnapshot(T0 + 1, 100_000), click(T0 + 2, 1_000_000), click(T0 + 3, 100 + MAX_DOM_DEPTH - 10)];
    const { facts, ms } = analyse(events);
    expect(ms).toBeLessThan(5_000);
    // Past MAX_DOM_DEPTH the page is not copied: the deep button is unknown, a shallower node is known.
    expect(facts.clicks.map((fact) => fact.label)).toEqual(['an element', 'div']);
  });

  it('duplicate ids, missing parents and wrong types everywhere are skipped, not thrown', () => {
    const events: unknown[] = [
      ...shopPage(T0),
      fullSnapshot(T0 + 2, documentNode(1, [element(3, 'html', [element(3, 'body', [element(3, 'p')]), element(5, 'form', [], { 'aria-label': 7 })])])),
      mutation(T0 + 3, { adds: [{ parentId: 999, node: element(50, 'button', [text(51, 'Orphan')]) }, null, 'x', { parentId: 'body', node: 7 }] }),
      mutation(T0 + 4, { adds: 'everything', removes: [null, { id: Number.NaN }, { id: 1e308 }], texts: [{ id: -0, value: {} }], attributes: [{ id: 3, attributes: ['a'] }] }),
      mutation(T0 + 5, { adds: [{ parentId: 3, node: { type: 2, id: 60, tagName: { toLowerCase: 1 }, attributes: null, childNodes: 'no' } }] }),
      null,
      42,
      { type: 3, timestamp: Number.POSITIVE_INFINITY, data: {} },
      { type: 3, timestamp: T0 + 6, data: { source: 2, type: 2, id: 50, x: Number.NaN, y: 1e308 } },
      { type: 3, timestamp: T0 + 7, data: { source: 3, id: 1, y: -1e308 } },
      { type: 5, timestamp: T0 + 8, data: { tag: 'chatreel/error', payload: { message: { toString: 'boom' } } } },
      { type: 4, timestamp: T0 + 9, data: { href: 'h'.repeat(100_000), height: Number.NaN } },
    ];
    const { facts, timeline } = analyse(events as RecordedEvent[]);
    expect(facts.clicks).toEqual([expect.objectContaining({ label: 'an element', x: 0, y: 0 })]);
    expect(facts.errors).toEqual([{ ts: T0 + 8, message: 'Unknown error' }]);
    expect(facts.pages.at(-1)!.href.length).toBeLessThanOrEqual(2048);
    expect(timeline.length).toBeGreaterThan(0);
  });

  it('clicks on a field of a 100,000-node page cost no scan of the page each (labels by for=, removal of one child of many)', () => {
    const fields = Array.from({ length: 50_000 }, (_, i) => element(10_000 + i, 'input', [], { id: `f${i}` }));
    const labels = Array.from({ length: 50_000 }, (_, i) => element(100_000 + i, 'label', [text(200_000 + i, `Field ${i}`)], { for: `f${i}` }));
    const events: RecordedEvent[] = [meta(T0), fullSnapshot(T0 + 1, documentNode(1, [element(3, 'html', [element(4, 'body', [...labels, ...fields])])]))];
    // A change before every click empties the description cache, as a busy page does.
    for (let i = 0; i < 20_000; i++) {
      events.push(mutation(T0 + 2 + i * 2, { attributes: [{ id: 4, attributes: { class: `c${i}` } }] }), click(T0 + 3 + i * 2, 10_000 + ((i * 7919) % 50_000)));
    }
    // Then every label is removed one by one from its parent of 100,000 children.
    events.push(mutation(T0 + 50_000, { removes: labels.map((label) => ({ parentId: 4, id: label.id })) }));
    const { facts, ms } = analyse(events);
    expect(ms).toBeLessThan(5_000);
    expect(facts.clicks).toHaveLength(20_000);
    expect(facts.clicks[1].label).toBe(`Field ${7919}`);
  });

  it('stops reading at MAX_INSIGHT_FACTS_PER_KIND of one kind, says where, and 50,000 focuses on one field cost one pass', () => {
    const events: RecordedEvent[] = [...shopPage(T0)];
    for (let i = 0; i < MAX_INSIGHT_FACTS_PER_KIND + 10; i++) events.push(focus(T0 + 10 + i, 7));
    events.push(input(T0 + 10 + MAX_INSIGHT_FACTS_PER_KIND + 20, 7));
    const { facts, timeline, ms } = analyse(events);
    expect(ms).toBeLessThan(5_000);
    expect(facts.focuses).toHaveLength(MAX_INSIGHT_FACTS_PER_KIND);
    expect(facts.inputs).toHaveLength(0);
    expect(facts.cut).toEqual({ ts: T0 + 9 + MAX_INSIGHT_FACTS_PER_KIND, reason: `it has more than ${MAX_INSIGHT_FACTS_PER_KIND.toLocaleString('en')} focuses` });
    expect(timeline.at(-1)).toMatchObject({ kind: 'cut', ts: facts.cut!.ts });
  });

  it('many pages, forms and submit clicks are matched in one pass each (no scan of the pages per input, of the clicks per form)', () => {
    const FORMS = 20_000;
    const forms = Array.from({ length: FORMS + 1 }, (_, i) => element(10 + i * 3, 'form', [element(11 + i * 3, 'input', [], { id: `i${i}` }), element(12 + i * 3, 'button', [], { type: 'submit' })]));
    const events: RecordedEvent[] = [meta(T0), fullSnapshot(T0 + 1, documentNode(1, [element(3, 'html', [element(4, 'body', forms)])]))];
    // Each form filled on a page of its own, then 40,000 submit clicks on the one form never filled.
    for (let i = 0; i < FORMS; i++) events.push(meta(T0 + 10 + i * 2, `https://hostile.example/${i}`), input(T0 + 11 + i * 2, 11 + i * 3));
    for (let i = 0; i < 40_000; i++) events.push(click(T0 + 100_000 + i * 3_000, 12 + FORMS * 3, i % 500, 0));
    const { facts, signals, ms } = analyse(events);
    expect(ms).toBeLessThan(5_000);
    expect(facts.pages).toHaveLength(FORMS + 1);
    expect(signals.filter((signal) => signal.type === 'form_abandonment')).toHaveLength(10);
  });

  it('reads the replay-safety recording (scripts, handlers, javascript: URLs) as text, like any other', () => {
    const events = JSON.parse(readFileSync(new URL('../../../e2e/fixtures/hostile-recording.json', import.meta.url), 'utf8')) as RecordedEvent[];
    const analysis = analyzeRecording({ chunks: [gzipSync(JSON.stringify(events))], cutReason: null, messages: [], askedForHumanNote: NOTES.askedForHuman, session: { startedAt: 0, endedAt: null, endReason: null } });
    expect(analysis.timeline[0]).toMatchObject({ kind: 'page', text: expect.stringMatching(/^Viewed \/ /) });
    expect(analysis.note).toBeNull();
  });
});
