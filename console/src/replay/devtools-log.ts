import { isFailedRequest, readDevtoolsEvent, type ConsoleEntry, type NetworkEntry } from '../../../server/src/protocol/devtools-entries.js';
import { MAX_DEVTOOLS_ROWS } from '../../../server/src/protocol/limits.js';
import { CONSOLE_TAG, HELP_OFFER_TAG, NETWORK_TAG, RRWEB_CUSTOM_EVENT, STRUGGLE_TAG } from '../../../server/src/protocol/recording-events.js';
import { HELP_OFFER_LABELS, HELP_OFFER_OUTCOMES, LIVE_STRUGGLE_TYPES, STRUGGLE_LABELS } from '../../../server/src/protocol/struggle.js';
import { DEVTOOLS_MARKER_PREFIXES, markerEvent, type RecordedEvent } from './timeline-markers.js';

/** Timeline markers made from them at most (a page that logs an error in a loop must not bury the timeline). */
const MAX_DEVTOOLS_MARKERS = 200;

/** Tags the replayer has no use for: their events become rows and markers here instead of default markers. */
const TAKEN_TAGS = new Set<unknown>([CONSOLE_TAG, NETWORK_TAG, STRUGGLE_TAG, HELP_OFFER_TAG]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Inserts in time order (events of later chunks are later, so this is almost always an append). */
function insertByTs<T extends { ts: number }>(list: T[], item: T): void {
  let at = list.length;
  while (at > 0 && list[at - 1].ts > item.ts) at -= 1;
  list.splice(at, 0, item);
}

/**
 * The console messages and network requests of a replayed session (issue 21), read from its events as
 * they stream in, within MAX_DEVTOOLS_ROWS rows per tab (the first ones; the rest are counted). Every
 * field is read through the protocol's bounded reader: a recording is hostile input.
 */
export class DevtoolsLog {
  console: ConsoleEntry[] = [];
  network: NetworkEntry[] = [];
  /** Kept messages at level `error`, and kept failed requests (the tabs count them apart). */
  errors = 0;
  failedRequests = 0;
  /** Rows past MAX_DEVTOOLS_ROWS, not kept. */
  droppedConsole = 0;
  droppedNetwork = 0;
  /** Bumped on every change, so a view knows to render again. */
  version = 0;
  private markers = 0;

  /**
   * Takes the devtools, struggle and help-offer events out of `events` (the player gets the rest) and
   * answers the timeline markers they make: failed requests, console errors, struggle and the offer.
   */
  take(events: RecordedEvent[]): { events: RecordedEvent[]; markers: RecordedEvent[] } {
    const kept: RecordedEvent[] = [];
    const markers: RecordedEvent[] = [];
    let changed = false;
    for (const event of events) {
      const tag = event.type === RRWEB_CUSTOM_EVENT && isRecord(event.data) ? event.data.tag : undefined;
      if (!TAKEN_TAGS.has(tag)) {
        kept.push(event);
        continue;
      }
      const marker = this.read(event, tag);
      if (marker && this.markers < MAX_DEVTOOLS_MARKERS) {
        this.markers += 1;
        markers.push(marker);
      }
      changed = true;
    }
    if (changed) this.version += 1;
    return { events: kept, markers };
  }

  clear(): void {
    this.console = [];
    this.network = [];
    this.droppedConsole = 0;
    this.droppedNetwork = 0;
    this.errors = 0;
    this.failedRequests = 0;
    this.markers = 0;
    this.version += 1;
  }

  private read(event: RecordedEvent, tag: unknown): RecordedEvent | null {
    const payload = isRecord(event.data) && isRecord(event.data.payload) ? event.data.payload : {};
    if (tag === STRUGGLE_TAG) {
      const type = LIVE_STRUGGLE_TYPES.find((known) => known === payload.type);
      const label = typeof payload.label === 'string' ? payload.label : '';
      return type ? markerEvent(`${DEVTOOLS_MARKER_PREFIXES.struggle}${STRUGGLE_LABELS[type]} — ${label}`, event.timestamp) : null;
    }
    if (tag === HELP_OFFER_TAG) {
      const outcome = HELP_OFFER_OUTCOMES.find((known) => known === payload.outcome);
      return outcome ? markerEvent(`${DEVTOOLS_MARKER_PREFIXES.help}${HELP_OFFER_LABELS[outcome]}`, event.timestamp) : null;
    }
    const read = readDevtoolsEvent(event);
    if (read?.kind === 'console') {
      if (this.console.length >= MAX_DEVTOOLS_ROWS) this.droppedConsole += 1;
      else {
        insertByTs(this.console, read.entry);
        if (read.entry.level === 'error') this.errors += 1;
      }
      return read.entry.level === 'error' ? markerEvent(`${DEVTOOLS_MARKER_PREFIXES.consoleError}${read.entry.text}`, read.entry.ts) : null;
    }
    if (read?.kind === 'network') {
      if (this.network.length >= MAX_DEVTOOLS_ROWS) this.droppedNetwork += 1;
      else {
        insertByTs(this.network, read.entry);
        if (isFailedRequest(read.entry)) this.failedRequests += 1;
      }
      const { method, url, status, error } = read.entry;
      return isFailedRequest(read.entry) ? markerEvent(`${DEVTOOLS_MARKER_PREFIXES.failedRequest}${method} ${url} → ${status || `${error} error`}`, read.entry.ts) : null;
    }
    return null;
  }
}
