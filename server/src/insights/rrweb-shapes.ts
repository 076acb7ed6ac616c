import { MAX_NODE_ID, MAX_PAGE_PX } from '../protocol/limits.js';

/**
 * The parts of rrweb 2.1.6's event format the insights read (values from @rrweb/types and
 * rrweb-snapshot; copied as constants because the server has no rrweb dependency of its own).
 * Recordings are hostile input: nothing here is trusted to have these shapes, so readers go through
 * the guards below rather than through the interfaces.
 */
export const EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5 } as const;
export const IncrementalSource = { Mutation: 0, MouseInteraction: 2, Scroll: 3, ViewportResize: 4, Input: 5, Selection: 14 } as const;
export const MouseInteraction = { MouseUp: 0, MouseDown: 1, Click: 2, ContextMenu: 3, DblClick: 4, Focus: 5, Blur: 6, TouchStart: 7, TouchEnd: 9 } as const;
export const NodeType = { Document: 0, DocumentType: 1, Element: 2, Text: 3, CDATA: 4, Comment: 5 } as const;

/** A serialized node of a full snapshot or of a mutation's `adds` (rrweb-snapshot's serializedNodeWithId). */
export interface SerializedNode {
  id: number;
  type: number;
  tagName?: string;
  attributes?: Record<string, string | number | boolean | null>;
  childNodes?: SerializedNode[];
  textContent?: string;
  isShadowHost?: boolean;
  isShadow?: boolean;
}

export interface MutationData {
  source: 0;
  texts: Array<{ id: number; value: string | null }>;
  attributes: Array<{ id: number; attributes: Record<string, string | null | Record<string, unknown>> }>;
  removes: Array<{ parentId: number; id: number }>;
  adds: Array<{ parentId: number; nextId: number | null; node: SerializedNode }>;
}

export interface RrwebEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value when it is an array, else none (a hostile `adds` may be a string, a number, an object). */
export const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** A recorded node id (an integer 0..MAX_NODE_ID), or null. */
export const nodeIdOf = (value: unknown): number | null =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_NODE_ID ? (value as number) : null;

/** A recorded size or offset in px: a finite number 0..MAX_PAGE_PX, or null. */
export const pxOf = (value: unknown): number | null => (typeof value === 'number' && value >= 0 && value <= MAX_PAGE_PX ? value : null);
