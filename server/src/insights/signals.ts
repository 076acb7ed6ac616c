import type { SessionSignal, SignalType } from '../protocol/insights.js';
import type { MessageRecord } from '../storage/ports.js';
import type { ClickFact, SessionFacts } from './session-facts.js';
import { formatOffset } from './offsets.js';
import { countBefore, timeOf } from './sorted-times.js';
import { DEAD_CLICK_WINDOW_MS, ERROR_CLICK_WINDOW_MS, RAGE_MIN_CLICKS, RAGE_RADIUS_PX, RAGE_WINDOW_MS } from '../protocol/struggle.js';

/**
 * Frustration signals. Each detector is a pure function of the facts read from the recording (and the
 * transcript) and returns signals with the moment they happened.
 */

// The thresholds the widget also uses to spot struggle live (issue 21): defined once, in the protocol.
export { DEAD_CLICK_WINDOW_MS, ERROR_CLICK_WINDOW_MS, RAGE_MIN_CLICKS, RAGE_RADIUS_PX, RAGE_WINDOW_MS } from '../protocol/struggle.js';
/** Hesitation: a form field focused and nothing typed into it for at least this long. */
export const HESITATION_MS = 8_000;
/** One session stores at most this many signals (the rest would tell nothing new). */
export const MAX_SIGNALS = 50;
/** … and at most this many of one type. */
export const MAX_SIGNALS_PER_TYPE = 10;

type Draft = Omit<SessionSignal, 'offsetMs'>;

/** Clicks a triple click is made of. */
const TRIPLE_CLICK = 3;
/** The selection a triple click makes is recorded within this long after its last click. */
const SELECTION_AFTER_CLICK_MS = 500;

export function detectRageClicks(facts: SessionFacts): Draft[] {
  const found: Draft[] = [];
  // Clicks on the chat widget are the chat (its transcript tells it), not trouble with the site's page.
  const clicks = facts.clicks.filter((click) => !click.inWidget);
  for (let i = 0; i < clicks.length; ) {
    const first = clicks[i];
    let end = i + 1;
    while (end < clicks.length && clicks[end].ts - first.ts <= RAGE_WINDOW_MS && distance(first, clicks[end]) <= RAGE_RADIUS_PX) end += 1;
    const count = end - i;
    if (count >= RAGE_MIN_CLICKS) {
      // A burst keeps going as long as each next click is close in time and place to the one before.
      while (end < clicks.length && clicks[end].ts - clicks[end - 1].ts <= RAGE_WINDOW_MS && distance(first, clicks[end]) <= RAGE_RADIUS_PX) end += 1;
      if (!selectedText(facts, clicks.slice(i, end))) found.push({ type: 'rage_click', ts: first.ts, label: `${end - i} rapid clicks on “${first.label}”` });
      i = end;
    } else {
      i += 1;
    }
  }
  return found;
}

/** A triple click that selected text (a paragraph, to copy an order number) is reading, not rage. */
function selectedText(facts: SessionFacts, burst: ClickFact[]): boolean {
  if (burst.length !== TRIPLE_CLICK) return false;
  return hasBetween(facts.selections, burst[0].ts, burst[burst.length - 1].ts + SELECTION_AFTER_CLICK_MS);
}

export function detectDeadClicks(facts: SessionFacts): Draft[] {
  const found: Draft[] = [];
  // An error right after the click is an answer of its own: that is an error click, not a dead one.
  const reactions = [
    ...facts.mutations,
    ...facts.otherReactions,
    ...facts.errors.map((error) => error.ts),
    ...facts.consoleErrors.map((error) => error.ts),
    ...facts.failedRequests.map((request) => request.startTs),
  ].sort((a, b) => a - b);
  let last: { targetId: number; ts: number; draft: Draft; count: number } | null = null;
  for (const click of facts.clicks) {
    // Clicking into a text field only focuses it: nothing visible is expected to happen. The widget is the chat.
    if (!click.interactive || click.isField || click.inWidget) continue;
    // Only judged when the recording goes on long enough to have seen an answer.
    if (facts.endTs === null || facts.endTs < click.ts + DEAD_CLICK_WINDOW_MS) continue;
    if (hasBetween(reactions, click.ts, click.ts + DEAD_CLICK_WINDOW_MS)) continue;
    if (last && last.targetId === click.targetId && click.ts - last.ts <= DEAD_CLICK_WINDOW_MS) {
      // Repeated clicks on the same dead control are one signal.
      last.count += 1;
      last.ts = click.ts;
      last.draft.label = `${last.count} clicks on “${click.label}” did nothing`;
      continue;
    }
    const draft: Draft = { type: 'dead_click', ts: click.ts, label: `Click on “${click.label}” did nothing` };
    found.push(draft);
    last = { targetId: click.targetId, ts: click.ts, draft, count: 1 };
  }
  return found;
}

/**
 * What went wrong after a click, in time order: JavaScript errors, console errors and failed requests
 * (issue 21) — a request by when it was made, since its answer may come seconds later.
 */
function failuresOf(facts: SessionFacts): Array<{ ts: number; outcome: string }> {
  return [
    ...facts.errors.map((error) => ({ ts: error.ts, outcome: `raised “${error.message}”` })),
    ...facts.consoleErrors.map((error) => ({ ts: error.ts, outcome: `logged the error “${error.message}”` })),
    ...facts.failedRequests.map((request) => ({ ts: request.startTs, outcome: `made a request that failed: ${request.label}` })),
  ].sort((a, b) => a.ts - b.ts);
}

export function detectErrorClicks(facts: SessionFacts): Draft[] {
  const found: Draft[] = [];
  const blamed = new Set<ClickFact>();
  let clickIndex = 0;
  for (const failure of failuresOf(facts)) {
    // The failure is blamed on the latest click before it, if that was recent enough (and not blamed yet).
    while (clickIndex < facts.clicks.length && facts.clicks[clickIndex].ts <= failure.ts) clickIndex += 1;
    const click = facts.clicks[clickIndex - 1];
    if (!click || blamed.has(click) || failure.ts - click.ts > ERROR_CLICK_WINDOW_MS) continue;
    blamed.add(click);
    found.push({ type: 'error_click', ts: click.ts, label: `Click on “${click.label}” ${failure.outcome}` });
  }
  return found;
}

export function detectJsErrors(facts: SessionFacts): Draft[] {
  return facts.errors.map((error) => ({ type: 'js_error', ts: error.ts, label: `JavaScript error: ${error.message}` }));
}

export function detectHesitation(facts: SessionFacts): Draft[] {
  const found: Draft[] = [];
  const focuses = facts.focuses;
  // Where each run of focuses on one field ends, found once from the back: a visitor (or a forged
  // recording) focusing one field 50,000 times in a row must not cost a scan of the run per focus.
  const runEnd = new Array<number>(focuses.length);
  for (let i = focuses.length - 1; i >= 0; i--) runEnd[i] = i + 1 < focuses.length && focuses[i + 1].nodeId === focuses[i].nodeId ? runEnd[i + 1] : i + 1;
  // Both lists are in time order: one pass with a pointer into each (sessions can hold many keystrokes).
  let nextInput = 0;
  let nextFocus = 0;
  for (const focus of focuses) {
    while (nextInput < facts.inputs.length && facts.inputs[nextInput].ts < focus.ts) nextInput += 1;
    while (nextFocus < focuses.length && focuses[nextFocus].ts <= focus.ts) nextFocus += 1;
    const next = facts.inputs[nextInput];
    const elsewhere = nextFocus < focuses.length && focuses[nextFocus].nodeId === focus.nodeId ? runEnd[nextFocus] : nextFocus;
    const focusedElsewhere = focuses[elsewhere];
    // Only when the visitor then typed into this very field (not after moving on).
    if (!next || next.nodeId !== focus.nodeId || (focusedElsewhere && focusedElsewhere.ts < next.ts)) continue;
    const waitedMs = next.ts - focus.ts;
    if (waitedMs >= HESITATION_MS) {
      found.push({ type: 'hesitation', ts: focus.ts, label: `Hesitated ${Math.round(waitedMs / 1000)} s before filling “${focus.label}”` });
    }
  }
  return found;
}

export function detectFormAbandonment(facts: SessionFacts): Draft[] {
  const found: Draft[] = [];
  // Pages are in time order: which one a moment belongs to is a binary search, not a scan per input.
  const pageStarts = facts.pages.slice(1).map((page) => page.ts);
  const pageOf = (ts: number) => countBefore(pageStarts, ts, timeOf, true);
  // Forms are told apart by page and node id: node ids restart with every page.
  const filled = new Map<string, { fields: Set<number>; last: (typeof facts.inputs)[number] }>();
  for (const input of facts.inputs) {
    if (input.formId === null) continue;
    const key = `${pageOf(input.ts)}:${input.formId}`;
    const entry = filled.get(key) ?? { fields: new Set<number>(), last: input };
    entry.fields.add(input.nodeId);
    entry.last = input;
    filled.set(key, entry);
  }
  // The latest submit click per form, read once (not a pass over every click per form).
  const lastSubmit = new Map<string, number>();
  for (const click of facts.clicks) {
    if (!click.isSubmit || click.formId === null) continue;
    const key = `${pageOf(click.ts)}:${click.formId}`;
    lastSubmit.set(key, Math.max(lastSubmit.get(key) ?? -Infinity, click.ts));
  }
  for (const [key, { fields, last }] of filled) {
    // Sent means a submit control of this form was clicked after the last change to it.
    if ((lastSubmit.get(key) ?? -Infinity) >= last.ts) continue;
    const n = fields.size;
    found.push({ type: 'form_abandonment', ts: last.ts, label: `Left “${last.formName}” unsent after filling ${n} field${n === 1 ? '' : 's'}` });
  }
  return found;
}

/** The chat's own note when the visitor asks for a person (see chat-service.ts NOTES.askedForHuman). */
export function detectHandoff(messages: Array<Pick<MessageRecord, 'role' | 'text' | 'createdAt'>>, askedForHumanNote: string): Draft[] {
  const note = messages.find((message) => message.role === 'system' && message.text === askedForHumanNote);
  return note ? [{ type: 'handoff_requested', ts: note.createdAt.getTime(), label: 'Visitor asked for a person' }] : [];
}

export function detectSignals(facts: SessionFacts, messages: Array<Pick<MessageRecord, 'role' | 'text' | 'createdAt'>>, askedForHumanNote: string): SessionSignal[] {
  const drafts = [
    ...detectRageClicks(facts),
    ...detectDeadClicks(facts),
    ...detectErrorClicks(facts),
    ...detectJsErrors(facts),
    ...detectHesitation(facts),
    ...detectFormAbandonment(facts),
    ...detectHandoff(messages, askedForHumanNote),
  ].sort((a, b) => a.ts - b.ts);
  const start = facts.startTs ?? drafts[0]?.ts ?? 0;
  // A page that throws in a loop must not crowd out every other kind of signal.
  const perType = new Map<string, number>();
  const kept = drafts.filter((draft) => {
    const count = (perType.get(draft.type) ?? 0) + 1;
    perType.set(draft.type, count);
    return count <= MAX_SIGNALS_PER_TYPE;
  });
  return kept.slice(0, MAX_SIGNALS).map((draft) => ({ ...draft, offsetMs: Math.max(0, draft.ts - start) }));
}

export const distinctTypes = (signals: SessionSignal[]): SignalType[] => [...new Set(signals.map((signal) => signal.type))];

export const describeSignal = (signal: SessionSignal): string => `[${formatOffset(signal.offsetMs)}] ${signal.label}`;

function distance(a: ClickFact, b: ClickFact): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Whether a sorted list holds a time in [from, to] (an answer in the click's own millisecond counts). */
function hasBetween(sorted: number[], from: number, to: number): boolean {
  const first = countBefore(sorted, from, timeOf);
  return first < sorted.length && sorted[first] <= to;
}
