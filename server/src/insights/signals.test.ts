import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOTES } from '../chat/chat-service.js';
import type { SignalType } from '../protocol/insights.js';
import type { MessageRecord } from '../storage/ports.js';
import { extractFacts } from './session-facts.js';
import { detectSignals, ERROR_CLICK_WINDOW_MS } from './signals.js';
import type { RrwebEvent } from './rrweb-shapes.js';

/**
 * Every signal on event streams recorded with the real @rrweb/record 2.1.6 in Chromium
 * (fixtures/record-fixtures.ts), each with a case that must find it and one that must not.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): RrwebEvent[] => JSON.parse(readFileSync(path.join(here, 'fixtures', `${name}.json`), 'utf8')) as RrwebEvent[];
const signalsOf = (name: string, messages: MessageRecord[] = []) => detectSignals(extractFacts(fixture(name)), messages, NOTES.askedForHuman);
const ofType = (name: string, type: SignalType) => signalsOf(name).filter((signal) => signal.type === type);

function message(role: MessageRecord['role'], text: string, at: number, seq: number): MessageRecord {
  return { id: `m${seq}`, appId: 'a', sessionId: 's', visitorId: 'v', role, text, createdAt: new Date(at), seq, clientId: null, answeredBy: null, agentId: null };
}

describe('rage clicks (3+ clicks within 1 s within 30 px)', () => {
  it('finds four quick clicks on a button that does nothing, at the first click', () => {
    const events = fixture('rage-click');
    const [rage, ...more] = ofType('rage-click', 'rage_click');
    expect(more).toEqual([]);
    expect(rage.label).toBe('4 rapid clicks on “Apply coupon”');
    const firstClick = extractFacts(events).clicks[0];
    expect(rage.ts).toBe(firstClick.ts);
    expect(rage.offsetMs).toBe(firstClick.ts - events[0].timestamp);
  });

  it('does not count a fast double-click (twice) as rage', () => {
    expect(extractFacts(fixture('double-click')).clicks.length).toBe(4);
    expect(ofType('double-click', 'rage_click')).toEqual([]);
  });

  it('counts a click on a label once, not again for the checkbox the browser clicks with it', () => {
    // A double click on the label: four click events in the recording, two of them the browser's own.
    const events = fixture('label-double-click');
    const recorded = events.filter((e) => e.type === 3 && (e.data as { source?: number; type?: number }).source === 2 && (e.data as { type?: number }).type === 2);
    expect(recorded.length).toBe(4);
    expect(extractFacts(events).clicks.map((click) => click.tag)).toEqual(['label', 'label']);
    expect(ofType('label-double-click', 'rage_click')).toEqual([]);
  });

  it('does not take a triple click that selected a paragraph for rage, but finds four clicks on it', () => {
    const facts = extractFacts(fixture('triple-click-select'));
    expect(facts.clicks.length).toBe(7);
    expect(facts.selections.length).toBeGreaterThan(0);
    const rage = ofType('triple-click-select', 'rage_click');
    expect(rage.map((signal) => signal.label)).toEqual(['4 rapid clicks on “Your order number is 4471-2290. Keep it for your records.”']);
    expect(rage[0].ts).toBe(facts.clicks[3].ts);
  });

  it('does not take quick clicks on the chat widget’s own launcher for rage or dead clicks', () => {
    const facts = extractFacts(fixture('widget-rage'));
    expect(facts.clicks.map((click) => click.inWidget)).toEqual([true, true, true, true]);
    expect(signalsOf('widget-rage')).toEqual([]);
  });
});

describe('dead clicks (interactive element, no DOM change or navigation within 2.5 s)', () => {
  it('finds a click on a button without a handler', () => {
    expect(ofType('dead-click', 'dead_click').map((signal) => signal.label)).toEqual(['Click on “Save address” did nothing']);
  });

  it('folds repeated clicks on the same dead control into one signal', () => {
    expect(ofType('rage-click', 'dead_click').map((signal) => signal.label)).toEqual(['4 clicks on “Apply coupon” did nothing']);
  });

  it('does not flag a click that opens a menu (labelled by its aria-label)', () => {
    const facts = extractFacts(fixture('menu-click'));
    expect(facts.clicks.map((click) => click.label)).toEqual(['Open menu']);
    expect(ofType('menu-click', 'dead_click')).toEqual([]);
  });

  it('does not flag clicks into text fields, which only focus them', () => {
    expect(ofType('form-abandoned', 'dead_click')).toEqual([]);
  });
});

describe(`error clicks (a JavaScript error within ${ERROR_CLICK_WINDOW_MS} ms of a click)`, () => {
  it('blames the error on the click, labelled by the button around the clicked span', () => {
    const [signal, ...more] = ofType('error-click', 'error_click');
    expect(more).toEqual([]);
    expect(signal.label).toMatch(/^Click on “Pay now” raised “.*payment is not defined”$/);
    expect(ofType('error-click', 'dead_click')).toEqual([]);
  });

  it('does not blame an error two seconds after the click', () => {
    expect(ofType('late-error', 'error_click')).toEqual([]);
  });
});

describe('JavaScript errors (the widget’s chatreel/error custom events)', () => {
  it('reports each recorded error at its moment', () => {
    const errors = ofType('late-error', 'js_error');
    expect(errors).toHaveLength(1);
    expect(errors[0].label).toMatch(/analytics failed/);
    expect(errors[0].offsetMs).toBeGreaterThan(2000);
  });

  it('reports none on a page without errors', () => {
    expect(ofType('menu-click', 'js_error')).toEqual([]);
  });
});

describe('hesitation before a form field (8 s or more between focusing it and typing)', () => {
  it('finds the nine-second pause before the card number', () => {
    const [signal, ...more] = ofType('form-hesitation', 'hesitation');
    expect(more).toEqual([]);
    expect(signal.label).toMatch(/^Hesitated (9|10) s before filling “Card number”$/);
  });

  it('does not flag fields typed into right away', () => {
    expect(ofType('form-abandoned', 'hesitation')).toEqual([]);
  });
});

describe('form abandonment (fields filled, the form never submitted on that page)', () => {
  it('finds a checkout left after filling two fields, named by its aria-label', () => {
    expect(ofType('form-abandoned', 'form_abandonment').map((signal) => signal.label)).toEqual(['Left “Checkout” unsent after filling 2 fields']);
  });

  it('does not flag a form that was submitted', () => {
    expect(ofType('form-hesitation', 'form_abandonment')).toEqual([]);
  });

  it('does not take the chat widget’s own composer (sent with Enter, in its shadow root) for a form', () => {
    const facts = extractFacts(fixture('widget-composer'));
    expect(facts.clicks.length).toBe(1);
    expect(facts.inputs).toEqual([]);
    expect(ofType('widget-composer', 'form_abandonment')).toEqual([]);
  });
});

describe('handoff to a human requested', () => {
  const start = fixture('dead-click')[0].timestamp;

  it('finds the note the chat adds when the visitor asks for a person', () => {
    const messages = [
      message('visitor', 'Where is my order?', start + 1000, 1),
      message('ai', 'Let me check.', start + 2000, 2),
      message('system', NOTES.askedForHuman, start + 5000, 3),
    ];
    const handoff = signalsOf('dead-click', messages).filter((signal) => signal.type === 'handoff_requested');
    expect(handoff).toEqual([{ type: 'handoff_requested', ts: start + 5000, offsetMs: 5000, label: 'Visitor asked for a person' }]);
  });

  it('does not flag a chat the AI handled, nor one handed over because the AI was unavailable', () => {
    const messages = [message('visitor', 'Hi', start + 1000, 1), message('system', NOTES.noAi, start + 1500, 2), message('agent', 'Hello!', start + 9000, 3)];
    expect(signalsOf('dead-click', messages).filter((signal) => signal.type === 'handoff_requested')).toEqual([]);
  });
});

describe('reading the recording', () => {
  it('names a button that a mutation added after the snapshot', () => {
    const facts = extractFacts(fixture('added-later'));
    expect(facts.mutations.length).toBeGreaterThan(0);
    expect(facts.clicks.map((click) => click.label)).toEqual(['Load more reviews']);
    expect(ofType('added-later', 'dead_click')).toEqual([]);
  });

  it('keeps text the recorder masked masked', () => {
    const facts = extractFacts(fixture('masked-text'));
    expect(facts.clicks.map((click) => click.label)).toEqual(['*** *******']);
  });

  it('ignores events that are not rrweb events instead of failing', () => {
    const events = [null, 'x', { type: 3 }, { type: 3, timestamp: 'soon' }, ...fixture('dead-click')] as unknown as RrwebEvent[];
    expect(detectSignals(extractFacts(events), [], NOTES.askedForHuman).map((signal) => signal.type)).toEqual(['dead_click']);
  });
});
