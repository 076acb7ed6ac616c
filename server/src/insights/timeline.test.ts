import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOTES } from '../chat/chat-service.js';
import type { TimelineEntry } from '../protocol/insights.js';
import type { MessageRecord } from '../storage/ports.js';
import { formatOffset } from './offsets.js';
import type { RrwebEvent } from './rrweb-shapes.js';
import { extractFacts } from './session-facts.js';
import { detectSignals } from './signals.js';
import { deterministicSummary } from './summaries.js';
import { boundedTranscript, buildTimeline, compressTimeline } from './timeline.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureText = (name: string) => readFileSync(path.join(here, 'fixtures', `${name}.json`), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as RrwebEvent[];

function message(role: MessageRecord['role'], text: string, at: number, seq: number): MessageRecord {
  return { id: `m${seq}`, appId: 'a', sessionId: 's', visitorId: 'v', role, text, createdAt: new Date(at), seq, clientId: null, answeredBy: null, agentId: null };
}

describe('timeline', () => {
  it('lists the page with time spent, named clicks, typing without values, errors and chat messages in order', () => {
    const events = fixture('error-click');
    const start = events[0].timestamp;
    const timeline = buildTimeline(extractFacts(events), [message('visitor', 'The pay button fails', start + 3000, 1)]);
    expect(timeline.map((entry) => entry.kind)).toEqual(['page', 'click', 'error', 'message']);
    expect(timeline[0].text).toMatch(/^Viewed \/error-click\.html \(\d+ s\)$/);
    expect(timeline[1].text).toBe('Clicked “Pay now”');
    expect(timeline[3]).toMatchObject({ offsetMs: 3000, text: 'Visitor: The pay button fails' });
  });

  it('never holds a typed value: fields are named, values say they are not shown', () => {
    // The recorder masks in the browser, so the value never reached the recording …
    expect(fixtureText('form-abandoned')).not.toContain('secret-value-ada');
    const inputs = buildTimeline(extractFacts(fixture('form-abandoned')), []).filter((entry) => entry.kind === 'input');
    // … and the timeline names the field by its label, once per field, without any value.
    expect(inputs.map((entry) => entry.text)).toEqual(['Typed in “Full name” (value not shown)', 'Typed in “Email” (value not shown)']);
  });
});

describe('values typed without masking', () => {
  it('are never read, even when an owner turned input masking off and the recording holds them', () => {
    // The same recording as if masking were off: rrweb's input events then carry the typed text.
    const events = fixture('form-abandoned').map((event) => {
      const data = event.data as { source?: number; text?: string } | undefined;
      return data?.source === 5 ? { ...event, data: { ...data, text: 'secret-value-ada' } } : event;
    });
    expect(JSON.stringify(events)).toContain('secret-value-ada');
    const facts = extractFacts(events);
    const derived = JSON.stringify([buildTimeline(facts, []), detectSignals(facts, [], NOTES.askedForHuman), facts]);
    expect(derived).not.toContain('secret-value-ada');
  });
});

describe('compressed timeline for the model', () => {
  const entries: TimelineEntry[] = [];
  for (let i = 0; i < 2000; i++) entries.push({ ts: i * 1000, offsetMs: i * 1000, kind: 'click', text: `Clicked “Item ${i}”` });
  entries.push({ ts: 500_500, offsetMs: 500_500, kind: 'error', text: 'JavaScript error: boom' });
  entries.sort((a, b) => a.ts - b.ts);

  it('stays within its bound, keeps errors, and still spans the session', () => {
    const text = compressTimeline(entries, 4000);
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(text).toContain('[08:20] JavaScript error: boom');
    expect(text).toContain('Item 0”');
    expect(text.split('\n').at(-1)).toMatch(/Item 19\d\d”$/);
  });

  it('folds repeated lines', () => {
    const repeated: TimelineEntry[] = [0, 100, 200].map((ts) => ({ ts, offsetMs: ts, kind: 'click', text: 'Clicked “Apply coupon”' }));
    expect(compressTimeline(repeated, 1000)).toBe('[00:00] Clicked “Apply coupon” ×3');
  });

  it('bounds the transcript and keeps its beginning and end', () => {
    const messages = Array.from({ length: 300 }, (_, i) => message(i % 2 ? 'ai' : 'visitor', `message number ${i} ${'x'.repeat(80)}`, i * 1000, i + 1));
    const text = boundedTranscript(messages, 0, 3000);
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('message number 0 ');
    expect(text).toContain('message number 299 ');
    expect(text).toMatch(/entries left out/);
  });
});

describe('deterministic summary', () => {
  it('tells what happened and cites each struggle with its [mm:ss] offset', () => {
    const facts = extractFacts(fixture('error-click'));
    const signals = detectSignals(facts, [], NOTES.askedForHuman);
    const timeline = buildTimeline(facts, []);
    const text = deterministicSummary({ timeline, timelineText: '', transcriptText: '', signals, endReason: 'visitor-ended', durationMs: 4000 });
    expect(text).toContain('viewed 1 page starting at /error-click.html, clicked 1 time');
    // Lists show the first line only: it must be the trouble, not the page count.
    expect(text.split('\n')[0]).toMatch(/^Signs of trouble: \[\d\d:\d\d\]/);
    for (const signal of signals) expect(text).toContain(`[${formatOffset(signal.offsetMs)}]`);
    expect(text).toMatch(/click on “Pay now” raised/);
    // The error the error click quotes is not told twice.
    expect(text.match(/payment is not defined/g)).toHaveLength(1);
    expect(text).toContain('ended when the visitor ended the chat');
  });

  it('says when nothing went wrong', () => {
    const facts = extractFacts(fixture('menu-click'));
    const text = deterministicSummary({ timeline: buildTimeline(facts, []), timelineText: '', transcriptText: '', signals: [], endReason: null, durationMs: 1000 });
    expect(text).toContain('No signs of trouble were detected.');
  });

  it('formats offsets as [mm:ss] and [h:mm:ss]', () => {
    expect([formatOffset(0), formatOffset(65_400), formatOffset(3_725_000)]).toEqual(['00:00', '01:05', '1:02:05']);
  });
});
