import {
  MAX_EVENT_PART_CHARS,
  MAX_EVENT_PART_ID_CHARS,
  MAX_EVENT_PARTS,
  MAX_EVENT_TIMESTAMP_MS,
  MAX_PENDING_PART_CHARS,
  MAX_PENDING_SPLIT_EVENTS,
} from './limits.js';

/**
 * Chatreel's own rrweb custom events (type 5), shared by the widget's recorder and the replay.
 * - `chatreel/gap`: events were lost here (offline buffer overflow, a refused batch); a fresh full
 *   snapshot follows, so the replay still plays.
 * - `chatreel/stopped`: recording stopped on this page (e.g. a mutation storm past the hard cap).
 * - `chatreel/error`: a JavaScript error on the visitor's page.
 * - `chatreel/part`: one piece of an event too large for one batch; `joinEventParts` restores it.
 * - `chatreel/fonts`: font files of the page that Chatreel stores, so the replay loads them from its own
 *   origin (replay-fonts.ts); after the page's fonts have loaded, and again after each full snapshot.
 * - `chatreel/focus`: the element that has the keyboard focus now (an rrweb node id, or null), and
 *   whether the browser shows it as `:focus-visible`; on every change and after each full snapshot.
 * - `chatreel/options`: the options chosen in a `<select multiple>` (rrweb records its first one only),
 *   when inputs are recorded unmasked.
 */
export const RRWEB_CUSTOM_EVENT = 5;
export const GAP_TAG = 'chatreel/gap';
export const STOPPED_TAG = 'chatreel/stopped';
export const ERROR_TAG = 'chatreel/error';
export const PART_TAG = 'chatreel/part';
export const FONTS_TAG = 'chatreel/fonts';
export const FOCUS_TAG = 'chatreel/focus';
export const OPTIONS_TAG = 'chatreel/options';
/** rrweb's EventType values run 0 (DomContentLoaded) … 6 (Plugin). */
export const MAX_RRWEB_EVENT_TYPE = 6;

export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: unknown;
  [key: string]: unknown;
}

interface PartPayload {
  id: string;
  index: number;
  count: number;
  text: string;
}

export function customEvent(tag: string, payload: unknown, timestamp: number): RecordedEvent {
  return { type: RRWEB_CUSTOM_EVENT, timestamp, data: { tag, payload } };
}

/** An rrweb event as far as any reader relies on: an object with a known type and a timestamp a Date can hold. */
export function isRecordedEvent(value: unknown): value is RecordedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, timestamp } = value as { type?: unknown; timestamp?: unknown };
  return (
    Number.isInteger(type) && (type as number) >= 0 && (type as number) <= MAX_RRWEB_EVENT_TYPE &&
    typeof timestamp === 'number' && timestamp >= 0 && timestamp <= MAX_EVENT_TIMESTAMP_MS
  );
}

/**
 * Splits one serialized event into part events whose text is at most `maxChars` each, within the
 * limits every reader enforces (MAX_EVENT_PARTS pieces of at most MAX_EVENT_PART_CHARS). Null when
 * the event is too large to be sent at all: the caller records a gap instead.
 */
export function splitEvent(json: string, timestamp: number, maxChars: number, id: string): RecordedEvent[] | null {
  const size = Math.min(Math.floor(maxChars), MAX_EVENT_PART_CHARS);
  if (!(size >= 1) || id.length > MAX_EVENT_PART_ID_CHARS) return null;
  const count = Math.ceil(json.length / size);
  if (count < 1 || count > MAX_EVENT_PARTS) return null;
  return Array.from({ length: count }, (_, index) =>
    customEvent(PART_TAG, { id, index, count, text: json.slice(index * size, (index + 1) * size) } satisfies PartPayload, timestamp),
  );
}

/** A piece as the recorder writes it, or null for anything else (wrong types, numbers out of bounds). */
function readPart(payload: unknown): PartPayload | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { id, index, count, text } = payload as Record<string, unknown>;
  if (typeof id !== 'string' || id.length > MAX_EVENT_PART_ID_CHARS || typeof text !== 'string' || text.length > MAX_EVENT_PART_CHARS) return null;
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_EVENT_PARTS) return null;
  if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= (count as number)) return null;
  return { id, index: index as number, count: count as number, text };
}

interface PendingEvent {
  count: number;
  parts: Array<string | undefined>;
  received: number;
  chars: number;
}

/**
 * Restores split events from a stream of events, one at a time. What it holds is bounded whatever the
 * stream says: at most MAX_PENDING_SPLIT_EVENTS events awaiting pieces and MAX_PENDING_PART_CHARS
 * characters of them (the oldest awaited event is dropped first). Malformed pieces, repeated pieces,
 * and joined text that is not one rrweb event are dropped, never thrown.
 */
export class EventPartJoiner {
  private readonly pending = new Map<string, PendingEvent>();
  private pendingChars = 0;
  /** Pieces (or whole split events) dropped so far. */
  dropped = 0;

  /** The event itself; the restored event when this piece completes one; null while awaiting or dropped. */
  push(event: RecordedEvent): RecordedEvent | null {
    // Anything that is not a piece passes as it is (a hostile array may hold null: readers check events).
    const data = (event as { data?: unknown } | null)?.data as { tag?: unknown; payload?: unknown } | null | undefined;
    if (event?.type !== RRWEB_CUSTOM_EVENT || typeof data !== 'object' || data === null || data.tag !== PART_TAG) return event;
    const part = readPart(data.payload);
    if (!part) return this.drop();
    let entry = this.pending.get(part.id);
    if (entry && entry.count !== part.count) {
      // Two events under one id: the earlier one can never be completed.
      this.forget(part.id);
      this.dropped += 1;
      entry = undefined;
    }
    if (entry?.parts[part.index] !== undefined) return this.drop();
    if (!entry) {
      while (this.pending.size >= MAX_PENDING_SPLIT_EVENTS) this.dropOldest();
      entry = { count: part.count, parts: new Array<string | undefined>(part.count), received: 0, chars: 0 };
      this.pending.set(part.id, entry);
    }
    while (this.pendingChars + part.text.length > MAX_PENDING_PART_CHARS && this.pending.size > 1) this.dropOldest(part.id);
    if (this.pendingChars + part.text.length > MAX_PENDING_PART_CHARS) {
      this.forget(part.id);
      return this.drop();
    }
    entry.parts[part.index] = part.text;
    entry.received += 1;
    entry.chars += part.text.length;
    this.pendingChars += part.text.length;
    if (entry.received < entry.count) return null;
    this.forget(part.id);
    try {
      const joined: unknown = JSON.parse(entry.parts.join(''));
      return isRecordedEvent(joined) ? joined : this.drop();
    } catch {
      return this.drop();
    }
  }

  private drop(): null {
    this.dropped += 1;
    return null;
  }

  private forget(id: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pendingChars -= entry.chars;
    this.pending.delete(id);
  }

  /** Drops the event awaiting pieces the longest (Map order is insertion order), except `keep`. */
  private dropOldest(keep?: string): void {
    for (const id of this.pending.keys()) {
      if (id === keep) continue;
      this.forget(id);
      this.dropped += 1;
      return;
    }
  }
}

/** Replaces each complete run of part events by the event it was split from (incomplete runs are dropped). */
export function joinEventParts(events: RecordedEvent[]): RecordedEvent[] {
  const joiner = new EventPartJoiner();
  const out: RecordedEvent[] = [];
  for (const event of events) {
    const joined = joiner.push(event);
    if (joined) out.push(joined);
  }
  return out;
}
