import type { ConsoleChatMessage as ChatMessage } from '../../../server/src/protocol/chat-events.js';
import type { ReplayChunk } from '../../../server/src/protocol/replay-events.js';

import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import type { SessionSignal } from '../../../server/src/protocol/insights.js';
import { SIGNAL_COLOURS, SIGNAL_LABELS, SIGNAL_TYPES } from '../insights/signal-kinds.js';

/** What the viewer knows of an rrweb event before handing it to the player. */
export type { RecordedEvent };

/** rrweb EventType values used here. */
export const EVENT_FULL_SNAPSHOT = 2;
export const EVENT_META = 4;
export const EVENT_CUSTOM = 5;

/** Marker tags carry the text shown on hover; their prefix picks the colour. */
export const PAGE_TAG_PREFIX = 'Page: ';
export const MESSAGE_TAG_PREFIX = 'Message: ';
export const SIGNAL_TAG_PREFIX = 'Signal: ';
const MARKER_TEXT_CHARS = 80;

export const MARKER_COLOURS = { page: '#0ea5e9', message: '#f59e0b' } as const;

/** Markers of the devtools and of live struggle (issue 21; devtools-log.ts makes them), with their colours. */
export const DEVTOOLS_MARKER_PREFIXES = {
  failedRequest: 'Request failed: ',
  consoleError: 'Console error: ',
  struggle: 'Struggle: ',
  help: 'Help offer: ',
} as const;
const DEVTOOLS_MARKER_COLOURS: Record<keyof typeof DEVTOOLS_MARKER_PREFIXES, string> = {
  failedRequest: '#b91c1c',
  consoleError: '#e11d48',
  struggle: '#ea580c',
  help: '#4338ca',
};

function devtoolsColour(tag: string): string | undefined {
  const kind = (Object.keys(DEVTOOLS_MARKER_PREFIXES) as Array<keyof typeof DEVTOOLS_MARKER_PREFIXES>).find((key) => tag.startsWith(DEVTOOLS_MARKER_PREFIXES[key]));
  return kind && DEVTOOLS_MARKER_COLOURS[kind];
}

/**
 * Chunks to fetch for playing from `atTs` (the start when absent): from the last chunk holding a full
 * snapshot at or before that moment, so the first frame needs no earlier history, then the rest.
 */
export function chunkPlan(chunks: ReplayChunk[], atTs?: number): ReplayChunk[] {
  const sorted = [...chunks].sort((a, b) => a.seq - b.seq);
  const snapshots = sorted.filter((chunk) => chunk.hasFullSnapshot && (atTs === undefined || chunk.firstTs <= atTs));
  const from = atTs === undefined ? snapshots[0] : snapshots.at(-1);
  if (!from) return sorted;
  return sorted.filter((chunk) => chunk.seq >= from.seq);
}

const shorten = (text: string) => (text.length > MARKER_TEXT_CHARS ? `${text.slice(0, MARKER_TEXT_CHARS - 1)}…` : text);

/** A marker as rrweb-player draws it: a custom event whose tag is its label. */
export function markerEvent(tag: string, timestamp: number): RecordedEvent {
  return { type: EVENT_CUSTOM, timestamp, data: { tag: shorten(tag), payload: { chatreelMarker: true } } };
}

/** One marker per page view: every Meta event names the page it starts. */
export function pageMarkers(events: RecordedEvent[]): RecordedEvent[] {
  return events
    .filter((event) => event.type === EVENT_META)
    .map((event) => markerEvent(`${PAGE_TAG_PREFIX}${String((event.data as { href?: unknown })?.href ?? '')}`, event.timestamp));
}

export function messageMarkers(messages: ChatMessage[]): RecordedEvent[] {
  return messages.map((message) => markerEvent(`${MESSAGE_TAG_PREFIX}${message.role}: ${message.text}`, Date.parse(message.createdAt)));
}

/** One marker per signal (`Signal: Rage click — 4 clicks on “Apply coupon”`), coloured by its kind. */
export function signalMarkers(signals: SessionSignal[]): RecordedEvent[] {
  return signals.map((signal) => markerEvent(`${SIGNAL_TAG_PREFIX}${SIGNAL_LABELS[signal.type] ?? signal.type} — ${signal.label}`, signal.ts));
}

function signalColour(tag: string): string | undefined {
  const type = SIGNAL_TYPES.find((known) => tag.startsWith(`${SIGNAL_TAG_PREFIX}${SIGNAL_LABELS[known]} — `));
  return type && SIGNAL_COLOURS[type].strong;
}

/** Colour of each marker tag, for rrweb-player's `tags` option. */
export function markerColours(markers: RecordedEvent[]): Record<string, string> {
  const colours: Record<string, string> = {};
  for (const marker of markers) {
    const tag = (marker.data as { tag: string }).tag;
    colours[tag] = tag.startsWith(PAGE_TAG_PREFIX) ? MARKER_COLOURS.page : (signalColour(tag) ?? devtoolsColour(tag) ?? MARKER_COLOURS.message);
  }
  return colours;
}

/**
 * The marker meant by a click on the timeline at `fraction` (0–1) of the recording: among markers
 * with the clicked tag (a page visited twice has two), the one closest to where the click landed.
 */
export function markerAt(markers: RecordedEvent[], tag: string, fraction: number, startTs: number, totalMs: number): RecordedEvent | undefined {
  const target = startTs + fraction * totalMs;
  let best: RecordedEvent | undefined;
  for (const marker of markers) {
    if ((marker.data as { tag: string }).tag !== tag) continue;
    if (!best || Math.abs(marker.timestamp - target) < Math.abs(best.timestamp - target)) best = marker;
  }
  return best;
}

/** Index of the message being sent at `timestamp`: the last one created at or before it; -1 before the first. */
export function currentMessageIndex(messages: ChatMessage[], timestamp: number): number {
  let current = -1;
  messages.forEach((message, index) => {
    if (Date.parse(message.createdAt) <= timestamp) current = index;
  });
  return current;
}

/** `mm:ss` (or `h:mm:ss`) of a duration in ms. */
export function formatDuration(ms: number): string {
  // Down, as the player's clock and the summary's [mm:ss] links count: a signal 0.6 s in is at 0:00 in all three.
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
