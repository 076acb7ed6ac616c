import { MAX_NODE_ID } from '../../../server/src/protocol/limits.js';
import { STATE_CLASSES } from './css-state-selectors.js';

/** What `chatreel/focus` says: the focused element's rrweb id (null: none), and whether it shows as `:focus-visible`. */
export interface FocusState {
  id: number | null;
  visible: boolean;
}

/** Ancestors (across shadow roots) that get `:focus-within`. */
const MAX_FOCUS_WITHIN_DEPTH = 1_000;

/** A recorded `chatreel/focus` payload, or null when it is anything else. */
export function readFocusState(payload: unknown): FocusState | null {
  const { id, visible } = (payload ?? {}) as { id?: unknown; visible?: unknown };
  const validId = id === null || (Number.isInteger(id) && (id as number) > 0 && (id as number) <= MAX_NODE_ID);
  return validId && typeof visible === 'boolean' ? { id: id as number | null, visible } : null;
}

/**
 * Shows the visitor's focus in the replay the way rrweb shows hover: with the state's class (the
 * rewritten CSS of css-state-selectors.ts matches it) on the focused element, `:focus-within` on its
 * ancestors. Never moves real focus into the frame: the viewer's keyboard stays with the console.
 */
export class FocusDisplay {
  private state: FocusState = { id: null, visible: false };
  private marked: Array<{ element: Element; name: string }> = [];

  constructor(private readonly nodeOf: (id: number) => Node | null) {}

  set(state: FocusState): void {
    this.state = state;
  }

  /** The page was rebuilt from a snapshot: what was focused is gone with the old document. */
  reset(): void {
    this.state = { id: null, visible: false };
    this.marked = [];
  }

  /** Puts the classes where the focus is now (again: a replayed class change may have removed them). */
  apply(): void {
    for (const { element, name } of this.marked) element.classList.remove(name);
    this.marked = [];
    const node = this.state.id === null ? null : this.nodeOf(this.state.id);
    if (!node || node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as Element;
    this.mark(element, STATE_CLASSES.focus);
    if (this.state.visible) this.mark(element, STATE_CLASSES.focusVisible);
    let ancestor: Element | null = element;
    for (let depth = 0; ancestor && depth < MAX_FOCUS_WITHIN_DEPTH; depth++) {
      this.mark(ancestor, STATE_CLASSES.focusWithin);
      // Up through shadow roots too; the frame's nodes are of its own realm (no `instanceof` with this window's classes).
      const parent = ancestor.parentNode as (Node & { host?: Element }) | null;
      ancestor = parent?.nodeType === Node.ELEMENT_NODE ? (parent as Element) : (parent?.host ?? null);
    }
  }

  private mark(element: Element, name: string) {
    element.classList.add(name);
    this.marked.push({ element, name });
  }
}
