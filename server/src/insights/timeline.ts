import type { TimelineEntry } from '../protocol/insights.js';
import type { MessageRecord } from '../storage/ports.js';
import { formatOffset } from './offsets.js';
import type { RecordingCut, SessionFacts } from './session-facts.js';
import { countBefore } from './sorted-times.js';

/** What the insights read of a chat message (plain data: it crosses to the worker thread). */
export type InsightMessage = Pick<MessageRecord, 'id' | 'role' | 'text' | 'createdAt'>;

/** The timeline the console shows holds at most this many entries (the first ones of a long session). */
export const MAX_TIMELINE_ENTRIES = 500;
/** One chat message in the timeline is cut to this many characters. */
const MAX_MESSAGE_CHARS = 300;
/** Scrolling less than this is not worth a line. */
const MIN_SCROLL_PX = 100;
/** Typing into the same field again within this long is the same entry. */
const SAME_INPUT_MS = 30_000;

const ROLE_NAMES: Record<MessageRecord['role'], string> = { visitor: 'Visitor', ai: 'Assistant', agent: 'Agent', system: 'Note', note: 'Internal note' };

/**
 * The derived text timeline of a session: pages with time spent, clicks named by what was clicked,
 * typing (which field only — never the value), scroll depth, JavaScript errors, console errors and
 * failed requests (issue 21) and chat messages.
 */
export function buildTimeline(facts: SessionFacts, messages: InsightMessage[], endedAt: number | null = null): TimelineEntry[] {
  const start = facts.startTs ?? messages[0]?.createdAt.getTime() ?? 0;
  // The last page lasted until the session ended, not only until its last recorded event.
  const end = Math.max(facts.endTs ?? start, messages.at(-1)?.createdAt.getTime() ?? start, endedAt ?? start);
  const entries: Array<Omit<TimelineEntry, 'offsetMs'>> = [];

  facts.pages.forEach((page, index) => {
    const leftAt = facts.pages[index + 1]?.ts ?? end;
    entries.push({ ts: page.ts, kind: 'page', text: `Viewed ${shortUrl(page.href)} (${duration(leftAt - page.ts)})` });
  });
  for (const click of facts.clicks) entries.push({ ts: click.ts, kind: 'click', text: `Clicked “${click.label}”` });
  let lastInput: { nodeId: number; ts: number } | null = null;
  for (const input of facts.inputs) {
    const same = lastInput && lastInput.nodeId === input.nodeId && input.ts - lastInput.ts <= SAME_INPUT_MS;
    lastInput = { nodeId: input.nodeId, ts: input.ts };
    if (!same) entries.push({ ts: input.ts, kind: 'input', text: `Typed in “${input.label}” (value not shown)` });
  }
  for (const scroll of facts.scrolls) {
    if (scroll.maxY < MIN_SCROLL_PX) continue;
    const screens = scroll.viewportHeight > 0 ? ` (${((scroll.maxY + scroll.viewportHeight) / scroll.viewportHeight).toFixed(1)} screens)` : '';
    entries.push({ ts: scroll.ts, kind: 'scroll', text: `Scrolled down to ${Math.round(scroll.maxY)} px${screens}` });
  }
  for (const error of facts.errors) entries.push({ ts: error.ts, kind: 'error', text: `JavaScript error: ${error.message}` });
  for (const error of facts.consoleErrors) entries.push({ ts: error.ts, kind: 'console', text: `Console error: ${error.message}` });
  for (const request of facts.failedRequests) entries.push({ ts: request.ts, kind: 'network', text: `Request failed: ${request.label}` });
  for (const message of messages) {
    entries.push({ ts: message.createdAt.getTime(), kind: 'message', text: `${ROLE_NAMES[message.role]}: ${clip(message.text, MAX_MESSAGE_CHARS)}` });
  }
  entries.sort((a, b) => a.ts - b.ts);
  // A cut recording says so where the reading stopped, even when the list is full.
  const kept = entries.slice(0, facts.cut ? MAX_TIMELINE_ENTRIES - 1 : MAX_TIMELINE_ENTRIES);
  if (facts.cut) {
    const at = facts.cut.ts ?? start;
    kept.splice(countBefore(kept, at, (entry) => entry.ts, true), 0, { ts: at, kind: 'cut', text: `Recording cut here: ${facts.cut.reason}; what follows was not analysed` });
  }
  return kept.map((entry) => ({ ...entry, offsetMs: Math.max(0, entry.ts - start) }));
}

/** The people-facing note of a cut recording: where (as [mm:ss] from `start`) and why. */
export function cutNote(cut: RecordingCut | null, start: number | null): string | null {
  if (!cut) return null;
  const at = cut.ts !== null && start !== null ? ` at [${formatOffset(cut.ts - start)}]` : '';
  return `The recording was cut${at} because ${cut.reason}; the rest was not analysed.`;
}

export const timelineLine = (entry: TimelineEntry): string => `[${formatOffset(entry.offsetMs)}] ${entry.text}`;

const KEEP_FIRST: Record<string, number> = { message: 3, error: 3, network: 3, console: 2, page: 2, scroll: 1, input: 1, click: 0 };

/**
 * The timeline as text within `maxChars`: repeated lines folded, then the least telling entries
 * (clicks, then typing and scrolling) thinned evenly, then — if still too long — the middle left out.
 * Messages, errors and pages are kept longest.
 */
export function compressTimeline(entries: TimelineEntry[], maxChars: number): string {
  const folded: Array<{ entry: TimelineEntry; line: string }> = [];
  for (const entry of entries) {
    const previous = folded.at(-1);
    if (previous && previous.entry.kind === entry.kind && previous.entry.text === entry.text.replace(/ ×\d+$/, '') && entry.kind !== 'message') {
      const times = Number(/ ×(\d+)$/.exec(previous.line)?.[1] ?? 1) + 1;
      previous.line = `${timelineLine(previous.entry)} ×${times}`;
      continue;
    }
    folded.push({ entry, line: timelineLine(entry) });
  }
  let lines = folded;
  const size = (list: typeof folded) => list.reduce((sum, item) => sum + item.line.length + 1, 0);
  for (let rank = 0; rank <= 2 && size(lines) > maxChars; rank++) {
    const thinnable = (item: (typeof folded)[number]) => (KEEP_FIRST[item.entry.kind] ?? 0) <= rank;
    const over = size(lines) - maxChars;
    const candidates = lines.filter(thinnable);
    const candidateChars = size(candidates);
    if (candidateChars === 0) continue;
    // Keep every n-th candidate so what remains still spans the whole session.
    const keepShare = Math.max(0, 1 - over / candidateChars);
    const step = keepShare <= 0 ? Infinity : 1 / keepShare;
    let next = 0;
    lines = lines.filter((item) => {
      if (!thinnable(item)) return true;
      const keep = step !== Infinity && next <= 0;
      next = keep ? step - 1 : next - 1;
      return keep;
    });
  }
  return keepEnds(lines.map((item) => item.line), maxChars);
}

/** Lines within `maxChars`: as many from the start and the end as fit, the middle left out. */
function keepEnds(text: string[], maxChars: number): string {
  if (text.reduce((sum, line) => sum + line.length + 1, 0) <= maxChars) return text.join('\n');
  const head: string[] = [];
  const tail: string[] = [];
  let used = 60;
  for (let i = 0, j = text.length - 1; i <= j; ) {
    const fromHead = head.length <= tail.length;
    const line = fromHead ? text[i] : text[j];
    if (used + line.length + 1 > maxChars) break;
    used += line.length + 1;
    if (fromHead) head.push(text[i++]);
    else tail.unshift(text[j--]);
  }
  return [...head, `… ${text.length - head.length - tail.length} entries left out …`, ...tail].join('\n');
}

/** The chat transcript within `maxChars`: each message cut short, the middle left out if needed. */
export function boundedTranscript(messages: InsightMessage[], start: number, maxChars: number): string {
  const lines = messages.map((message) => `[${formatOffset(Math.max(0, message.createdAt.getTime() - start))}] ${ROLE_NAMES[message.role]}: ${clip(message.text, MAX_MESSAGE_CHARS)}`);
  return keepEnds(lines, maxChars);
}

function shortUrl(href: string): string {
  try {
    const url = new URL(href);
    return clip(`${url.pathname}${url.search}`, 120);
  } catch {
    return clip(href, 120) || 'a page';
  }
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
