import { ERROR_TAG } from '../protocol/recording-events.js';
import { DomMirror } from './dom-mirror.js';
import { EventType, IncrementalSource, MouseInteraction, type MutationData, type RrwebEvent, type SerializedNode } from './rrweb-shapes.js';

/**
 * What happened in a recording, read once from its rrweb events in time order: the facts the timeline
 * and every signal detector work from. Pure: events in, facts out.
 */

export interface ClickFact {
  ts: number;
  x: number;
  y: number;
  nodeId: number;
  label: string;
  interactive: boolean;
  /** The interactive element (or the node itself) — clicks on one control share it. */
  targetId: number;
  formId: number | null;
  isSubmit: boolean;
  /** A text field, select or textarea (a click there only focuses it). */
  isField: boolean;
}

export interface FieldFact {
  ts: number;
  nodeId: number;
  label: string;
  formId: number | null;
  formName: string;
}

export interface SessionFacts {
  /** First recorded event (offsets are from here), or null without events. */
  startTs: number | null;
  endTs: number | null;
  pages: Array<{ ts: number; href: string }>;
  clicks: ClickFact[];
  /** Times of incremental mutations that changed something. */
  mutations: number[];
  /** Times the page answered in other ways a click can cause: a scroll, an input change, a new snapshot. */
  otherReactions: number[];
  focuses: FieldFact[];
  inputs: FieldFact[];
  errors: Array<{ ts: number; message: string }>;
  /** Deepest document scroll per page (px from the top), with the viewport height. */
  scrolls: Array<{ pageIndex: number; maxY: number; viewportHeight: number; ts: number }>;
}

const MAX_ERROR_MESSAGE_CHARS = 200;

export function extractFacts(input: RrwebEvent[]): SessionFacts {
  const events = [...input].filter(isEvent).sort((a, b) => a.timestamp - b.timestamp);
  const facts: SessionFacts = {
    startTs: events[0]?.timestamp ?? null,
    endTs: events.at(-1)?.timestamp ?? null,
    pages: [],
    clicks: [],
    mutations: [],
    otherReactions: [],
    focuses: [],
    inputs: [],
    errors: [],
    scrolls: [],
  };
  const mirror = new DomMirror();
  let documentId: number | null = null;
  let viewportHeight = 0;

  for (const event of events) {
    const ts = event.timestamp;
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === EventType.Meta) {
      const href = typeof data.href === 'string' ? data.href : '';
      viewportHeight = typeof data.height === 'number' ? data.height : viewportHeight;
      // A Meta with the same address is a re-snapshot of the same page (e.g. a watcher joined), not a visit.
      if (facts.pages.at(-1)?.href !== href) facts.pages.push({ ts, href });
      facts.otherReactions.push(ts);
    } else if (event.type === EventType.FullSnapshot) {
      const node = data.node as SerializedNode | undefined;
      if (node && typeof node.id === 'number') {
        mirror.reset(node);
        documentId = node.id;
      }
      facts.otherReactions.push(ts);
    } else if (event.type === EventType.Custom) {
      const custom = data as { tag?: unknown; payload?: { message?: unknown } };
      if (custom.tag === ERROR_TAG) {
        const message = String(custom.payload?.message ?? 'Unknown error').slice(0, MAX_ERROR_MESSAGE_CHARS);
        facts.errors.push({ ts, message });
      }
    } else if (event.type === EventType.IncrementalSnapshot) {
      readIncremental(ts, data);
    }
  }
  return facts;

  function readIncremental(ts: number, data: Record<string, unknown>) {
    switch (data.source) {
      case IncrementalSource.Mutation: {
        const mutation = data as unknown as MutationData;
        if ((mutation.adds?.length ?? 0) + (mutation.removes?.length ?? 0) + (mutation.texts?.length ?? 0) + (mutation.attributes?.length ?? 0) > 0) {
          facts.mutations.push(ts);
        }
        mirror.applyMutation(mutation);
        break;
      }
      case IncrementalSource.MouseInteraction: {
        const id = Number(data.id);
        if (data.type === MouseInteraction.Click) {
          const element = mirror.describe(id);
          facts.clicks.push({
            ts,
            x: Number(data.x ?? 0),
            y: Number(data.y ?? 0),
            nodeId: id,
            label: element?.label ?? 'an element',
            interactive: element?.interactiveId != null,
            targetId: element?.interactiveId ?? id,
            formId: element?.formId ?? null,
            isSubmit: element?.isSubmit ?? false,
            isField: element?.isField ?? false,
          });
        } else if (data.type === MouseInteraction.Focus) {
          const field = fieldFact(ts, id);
          if (field) facts.focuses.push(field);
        }
        break;
      }
      case IncrementalSource.Input: {
        facts.otherReactions.push(ts);
        // Only which field changed: the value (masked or not) is never read.
        const field = fieldFact(ts, Number(data.id));
        if (field) facts.inputs.push(field);
        break;
      }
      case IncrementalSource.Scroll: {
        facts.otherReactions.push(ts);
        if (Number(data.id) !== documentId) break;
        const pageIndex = Math.max(0, facts.pages.length - 1);
        const y = Number(data.y ?? 0);
        const current = facts.scrolls.find((scroll) => scroll.pageIndex === pageIndex);
        if (current) {
          if (y > current.maxY) Object.assign(current, { maxY: y, ts });
        } else {
          facts.scrolls.push({ pageIndex, maxY: y, viewportHeight, ts });
        }
        break;
      }
      default:
        break;
    }
  }

  function fieldFact(ts: number, id: number): FieldFact | null {
    const element = mirror.describe(id);
    // The widget's own composer is not one of the site's forms; its messages come from the transcript.
    if (!element?.isField || element.inWidget) return null;
    return {
      ts,
      nodeId: element.interactiveId ?? id,
      label: element.label,
      formId: element.formId,
      formName: element.formId === null ? '' : mirror.formName(element.formId),
    };
  }
}

function isEvent(value: unknown): value is RrwebEvent {
  const event = value as RrwebEvent | null;
  return Boolean(event) && typeof event!.type === 'number' && typeof event!.timestamp === 'number' && Number.isFinite(event!.timestamp);
}
