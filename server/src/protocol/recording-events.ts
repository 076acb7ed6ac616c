/**
 * Chatreel's own rrweb custom events (type 5), shared by the widget's recorder and the replay.
 * - `chatreel/gap`: events were lost here (offline buffer overflow, a refused batch); a fresh full
 *   snapshot follows, so the replay still plays.
 * - `chatreel/stopped`: recording stopped on this page (e.g. a mutation storm past the hard cap).
 * - `chatreel/error`: a JavaScript error on the visitor's page.
 * - `chatreel/part`: one piece of an event too large for one batch; `joinEventParts` restores it.
 */
export const RRWEB_CUSTOM_EVENT = 5;
export const GAP_TAG = 'chatreel/gap';
export const STOPPED_TAG = 'chatreel/stopped';
export const ERROR_TAG = 'chatreel/error';
export const PART_TAG = 'chatreel/part';

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

/** Splits one serialized event into part events whose text is at most `maxChars` each. */
export function splitEvent(json: string, timestamp: number, maxChars: number, id: string): RecordedEvent[] {
  const count = Math.ceil(json.length / maxChars);
  return Array.from({ length: count }, (_, index) =>
    customEvent(PART_TAG, { id, index, count, text: json.slice(index * maxChars, (index + 1) * maxChars) } satisfies PartPayload, timestamp),
  );
}

/** Replaces each complete run of part events by the event it was split from (incomplete runs are dropped). */
export function joinEventParts(events: RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const pending = new Map<string, string[]>();
  for (const event of events) {
    const data = event.data as { tag?: string; payload?: PartPayload } | undefined;
    if (event.type !== RRWEB_CUSTOM_EVENT || data?.tag !== PART_TAG || !data.payload) {
      out.push(event);
      continue;
    }
    const { id, index, count, text } = data.payload;
    const parts = pending.get(id) ?? [];
    parts[index] = text;
    pending.set(id, parts);
    if (parts.filter((part) => part !== undefined).length === count) {
      pending.delete(id);
      out.push(JSON.parse(parts.join('')) as RecordedEvent);
    }
  }
  return out;
}
