import { MAX_INSIGHT_EVENTS, MAX_INSIGHT_FACTS_PER_KIND, MAX_PAGE_PX, MAX_URL_CHARS } from '../protocol/limits.js';
import { ERROR_TAG, isRecordedEvent } from '../protocol/recording-events.js';
import { isFailedRequest, readDevtoolsEvent, requestStartTs, type NetworkEntry } from '../protocol/devtools-entries.js';
import { DomMirror } from './dom-mirror.js';
import { EventType, IncrementalSource, isRecord, listOf, MouseInteraction, nodeIdOf, pxOf } from './rrweb-shapes.js';

/**
 * What happened in a recording, read once from its rrweb events: the facts the timeline and every
 * signal detector work from. Pure: events in, facts out. Events are read one at a time in the order
 * they were recorded (a session is never held whole); the lists are put in time order at the end.
 */

export interface ClickFact {
  ts: number;
  x: number;
  y: number;
  nodeId: number;
  /** Tag of the clicked control (or of the element itself). */
  tag: string;
  label: string;
  interactive: boolean;
  /** The interactive element (or the node itself) — clicks on one control share it. */
  targetId: number;
  formId: number | null;
  isSubmit: boolean;
  /** A text field, select or textarea (a click there only focuses it). */
  isField: boolean;
  /** On Chatreel's own widget: part of the chat, not of the site's page. */
  inWidget: boolean;
}

export interface FieldFact {
  ts: number;
  nodeId: number;
  label: string;
  formId: number | null;
  formName: string;
}

/** Where and why the reading of a recording stopped before its end (a budget was reached). */
export interface RecordingCut {
  /** The last moment read, or null when nothing was. */
  ts: number | null;
  /** Why, for people: "it exceeded 256 MB". */
  reason: string;
}

export interface SessionFacts {
  /** First recorded event (offsets are from here), or null without events. */
  startTs: number | null;
  endTs: number | null;
  pages: Array<{ ts: number; href: string }>;
  clicks: ClickFact[];
  /** Times of incremental mutations that changed something. */
  mutations: number[];
  /** Times the visitor's text selection changed (a triple click selects a paragraph). */
  selections: number[];
  /** Times the page answered in other ways a click can cause: a scroll, an input change, a new snapshot. */
  otherReactions: number[];
  focuses: FieldFact[];
  inputs: FieldFact[];
  errors: Array<{ ts: number; message: string }>;
  /** Messages the page logged with console.error (issue 21). */
  consoleErrors: Array<{ ts: number; message: string }>;
  /** Requests that failed (5xx, network error): `ts` when they ended, `startTs` when they were made. */
  failedRequests: Array<{ ts: number; startTs: number; label: string }>;
  /** Deepest document scroll per page (px from the top), with the viewport height. */
  scrolls: Array<{ pageIndex: number; maxY: number; viewportHeight: number; ts: number }>;
  /** Set when the recording was read only in part. */
  cut: RecordingCut | null;
}

const MAX_ERROR_MESSAGE_CHARS = 200;
/** The click a <label> forwards to its control comes in the same task as the visitor's (measured: ≤ 1 ms). */
const FORWARDED_CLICK_MS = 20;
/** The fact lists bounded by MAX_INSIGHT_FACTS_PER_KIND (times of mutations are bounded by the event count). */
const COUNTED_KINDS = ['pages', 'clicks', 'focuses', 'inputs', 'errors', 'consoleErrors', 'failedRequests', 'scrolls'] as const;

/** Reads a recording's events one by one into facts, within MAX_INSIGHT_EVENTS and MAX_INSIGHT_FACTS_PER_KIND. */
export class FactsReader {
  private readonly facts: SessionFacts = {
    startTs: null,
    endTs: null,
    pages: [],
    clicks: [],
    mutations: [],
    selections: [],
    otherReactions: [],
    focuses: [],
    inputs: [],
    errors: [],
    consoleErrors: [],
    failedRequests: [],
    scrolls: [],
    cut: null,
  };
  private readonly mirror = new DomMirror();
  private documentId: number | null = null;
  private viewportHeight = 0;
  private events = 0;

  get isCut(): boolean {
    return this.facts.cut !== null;
  }

  /** Whether a recorded node is part of Chatreel's own widget, as the page stands after the last event read. */
  inWidget(id: number): boolean {
    return this.mirror.describe(id)?.inWidget ?? false;
  }

  /** Stops reading here: later events are ignored, and the facts say where and why. */
  cut(reason: string): void {
    this.facts.cut ??= { ts: this.facts.endTs, reason };
  }

  /** Reads one event (anything that is not an rrweb event is skipped); false once the reading was cut. */
  read(event: unknown): boolean {
    if (this.isCut) return false;
    if (!isRecordedEvent(event)) return true;
    if (this.events >= MAX_INSIGHT_EVENTS) {
      this.cut(`it has more than ${MAX_INSIGHT_EVENTS.toLocaleString('en')} events`);
      return false;
    }
    const full = COUNTED_KINDS.find((kind) => this.facts[kind].length >= MAX_INSIGHT_FACTS_PER_KIND);
    if (full) {
      this.cut(`it has more than ${MAX_INSIGHT_FACTS_PER_KIND.toLocaleString('en')} ${full}`);
      return false;
    }
    this.events += 1;
    const ts = event.timestamp;
    this.facts.startTs = Math.min(this.facts.startTs ?? ts, ts);
    this.facts.endTs = Math.max(this.facts.endTs ?? ts, ts);
    const data = isRecord(event.data) ? event.data : {};
    if (event.type === EventType.Meta) this.readMeta(ts, data);
    else if (event.type === EventType.FullSnapshot) {
      const root = isRecord(data.node) ? data.node : null;
      const rootId = nodeIdOf(root?.id);
      if (rootId !== null) {
        this.mirror.reset(root);
        this.documentId = rootId;
      }
      this.facts.otherReactions.push(ts);
    } else if (event.type === EventType.Custom) {
      if (data.tag === ERROR_TAG) this.facts.errors.push({ ts, message: errorMessage(data.payload) });
      else this.readDevtools(event);
    } else if (event.type === EventType.IncrementalSnapshot) this.readIncremental(ts, data);
    return true;
  }

  /** The facts, each list in time order (a stable sort: events of one moment keep their recorded order). */
  finish(): SessionFacts {
    const facts = this.facts;
    const byTs = (a: { ts: number }, b: { ts: number }) => a.ts - b.ts;
    for (const list of [facts.pages, facts.clicks, facts.focuses, facts.inputs, facts.errors, facts.consoleErrors, facts.failedRequests, facts.scrolls]) list.sort(byTs);
    facts.mutations.sort((a, b) => a - b);
    facts.selections.sort((a, b) => a - b);
    facts.otherReactions.sort((a, b) => a - b);
    return facts;
  }

  private readMeta(ts: number, data: Record<string, unknown>) {
    const href = typeof data.href === 'string' ? data.href.slice(0, MAX_URL_CHARS) : '';
    const height = pxOf(data.height);
    if (height !== null) this.viewportHeight = height;
    // A Meta with the same address is a re-snapshot of the same page (e.g. a watcher joined), not a visit.
    if (this.facts.pages.at(-1)?.href !== href) this.facts.pages.push({ ts, href });
    this.facts.otherReactions.push(ts);
  }

  /** A console error or a failed request (issue 21); other console messages and requests tell the insights nothing. */
  private readDevtools(event: unknown) {
    const read = readDevtoolsEvent(event);
    if (read?.kind === 'console' && read.entry.level === 'error') {
      this.facts.consoleErrors.push({ ts: read.entry.ts, message: read.entry.text.slice(0, MAX_ERROR_MESSAGE_CHARS) });
    } else if (read?.kind === 'network' && isFailedRequest(read.entry)) {
      this.facts.failedRequests.push({ ts: read.entry.ts, startTs: requestStartTs(read.entry), label: requestLabel(read.entry) });
    }
  }

  private readIncremental(ts: number, data: Record<string, unknown>) {
    const facts = this.facts;
    switch (data.source) {
      case IncrementalSource.Mutation: {
        const changes = listOf(data.adds).length + listOf(data.removes).length + listOf(data.texts).length + listOf(data.attributes).length;
        if (changes > 0) facts.mutations.push(ts);
        this.mirror.applyMutation(data);
        break;
      }
      case IncrementalSource.MouseInteraction: {
        const id = nodeIdOf(data.id);
        if (data.type === MouseInteraction.Click && id !== null) {
          const element = this.mirror.describe(id);
          const x = coordinateOf(data.x);
          const y = coordinateOf(data.y);
          // A click on a <label> makes the browser click its control too, at the same spot within the same
          // task: one click of the visitor's, not two (a double click on a label is not four rapid clicks).
          const previous = facts.clicks.at(-1);
          if (previous?.tag === 'label' && previous.nodeId !== id && previous.x === x && previous.y === y && ts - previous.ts <= FORWARDED_CLICK_MS) break;
          facts.clicks.push({
            ts,
            x,
            y,
            nodeId: id,
            tag: element?.tag ?? '',
            label: element?.label ?? 'an element',
            interactive: element?.interactiveId != null,
            targetId: element?.interactiveId ?? id,
            formId: element?.formId ?? null,
            isSubmit: element?.isSubmit ?? false,
            isField: element?.isField ?? false,
            inWidget: element?.inWidget ?? false,
          });
        } else if (data.type === MouseInteraction.Focus) {
          const field = this.fieldFact(ts, id);
          if (field) facts.focuses.push(field);
        }
        break;
      }
      case IncrementalSource.Input: {
        facts.otherReactions.push(ts);
        // Only which field changed: the value (masked or not) is never read.
        const field = this.fieldFact(ts, nodeIdOf(data.id));
        if (field) facts.inputs.push(field);
        break;
      }
      case IncrementalSource.Selection:
        facts.selections.push(ts);
        break;
      case IncrementalSource.Scroll: {
        facts.otherReactions.push(ts);
        if (nodeIdOf(data.id) !== this.documentId) break;
        const pageIndex = Math.max(0, facts.pages.length - 1);
        const y = pxOf(data.y) ?? 0;
        // Pages only follow each other: the current page's deepest scroll, if any, is the last one.
        const current = facts.scrolls.at(-1);
        if (current?.pageIndex === pageIndex) {
          if (y > current.maxY) Object.assign(current, { maxY: y, ts });
        } else {
          facts.scrolls.push({ pageIndex, maxY: y, viewportHeight: this.viewportHeight, ts });
        }
        break;
      }
      default:
        break;
    }
  }

  private fieldFact(ts: number, id: number | null): FieldFact | null {
    const element = this.mirror.describe(id);
    // The widget's own composer is not one of the site's forms; its messages come from the transcript.
    if (!element?.isField || element.inWidget) return null;
    return {
      ts,
      nodeId: element.interactiveId ?? element.id,
      label: element.label,
      formId: element.formId,
      formName: element.formId === null ? '' : this.mirror.formName(element.formId),
    };
  }
}

/** The facts of a whole recording (fixtures, tests); the insights read chunk by chunk with FactsReader. */
export function extractFacts(events: readonly unknown[]): SessionFacts {
  const reader = new FactsReader();
  for (const event of events) if (!reader.read(event)) break;
  return reader.finish();
}

function errorMessage(payload: unknown): string {
  const message = isRecord(payload) ? payload.message : undefined;
  const text = typeof message === 'string' || typeof message === 'number' || typeof message === 'boolean' ? String(message) : 'Unknown error';
  return text.slice(0, MAX_ERROR_MESSAGE_CHARS);
}

/** `POST /api/coupon → 503` (the path only: the query may hold what the visitor typed, even masked it says little). */
function requestLabel(entry: NetworkEntry): string {
  let path = entry.url;
  try {
    path = new URL(entry.url).pathname;
  } catch {
    // Not an absolute URL: shown as recorded (already clipped to its limit).
  }
  const outcome = entry.status > 0 ? String(entry.status) : `${entry.error ?? 'network'} error`;
  return `${entry.method} ${path.slice(0, MAX_ERROR_MESSAGE_CHARS)} → ${outcome}`;
}

/** A pointer coordinate (may be negative in a scrolled frame); unknown ones read as 0. */
function coordinateOf(value: unknown): number {
  return typeof value === 'number' && Math.abs(value) <= MAX_PAGE_PX ? value : 0;
}
