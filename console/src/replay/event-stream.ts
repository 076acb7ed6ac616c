import { joinEventParts, PART_TAG, RRWEB_CUSTOM_EVENT } from '../../../server/src/protocol/recording-events.js';
import type { RecordedEvent } from './timeline-markers.js';

interface PartData {
  tag?: string;
  payload?: { id?: unknown; index?: unknown; count?: unknown };
}

const partOf = (event: RecordedEvent): PartData['payload'] | undefined => {
  const data = event.data as PartData | undefined;
  return event.type === RRWEB_CUSTOM_EVENT && data?.tag === PART_TAG ? data.payload : undefined;
};

/**
 * Restores events the recorder split into `chatreel/part` pieces, across chunk boundaries: pieces of an
 * event not yet complete wait for the next chunk. Pieces never reach the player (they would show as
 * markers), and malformed ones from a hostile recording are dropped, never thrown.
 */
export class EventStream {
  private carry: RecordedEvent[] = [];

  push(events: RecordedEvent[]): RecordedEvent[] {
    const all = [...this.carry, ...events];
    const seen = new Map<string, Set<number>>();
    const expected = new Map<string, number>();
    for (const event of all) {
      const part = partOf(event);
      if (!part || typeof part.id !== 'string' || !Number.isInteger(part.index) || !Number.isInteger(part.count)) continue;
      (seen.get(part.id) ?? seen.set(part.id, new Set()).get(part.id)!).add(part.index as number);
      expected.set(part.id, part.count as number);
    }
    const complete = (id: unknown) => typeof id === 'string' && seen.get(id)?.size === expected.get(id);
    this.carry = all.filter((event) => {
      const part = partOf(event);
      return part !== undefined && typeof part.id === 'string' && !complete(part.id);
    });
    const ready = all.filter((event) => {
      const part = partOf(event);
      return part === undefined || complete(part.id);
    });
    try {
      return joinEventParts(ready).filter((event) => !partOf(event));
    } catch {
      return ready.filter((event) => !partOf(event));
    }
  }
}
