/** The `chatreel/focus` payload: the focused element's rrweb id (null: none), and whether it shows as `:focus-visible`. */
export interface FocusState {
  id: number | null;
  visible: boolean;
}

/** What the recorder knows of the page: rrweb's mirror from live nodes to serialized ids (-1: not recorded). */
export interface NodeIds {
  getId(node: Node): number;
}

/** Shadow roots a focused element may be nested in that are followed (a page can nest them without end). */
const MAX_SHADOW_DEPTH = 32;

/**
 * Records where the keyboard focus is, for the replay to show the focused element's `:focus` and
 * `:focus-visible` styles (rrweb records no focus). Reads the focus a task after each focusin, focusout
 * and keydown, when it has settled and rrweb has serialized an element that was just added, and
 * reports changes only. After a full snapshot the replay starts afresh, so the current focus is reported again.
 */
export class FocusTracker {
  private last: FocusState | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly nodes: NodeIds,
    private readonly report: (state: FocusState) => void,
  ) {
    document.addEventListener('focusin', this.schedule, true);
    document.addEventListener('focusout', this.schedule, true);
    // A key pressed while an element has focus makes the browser show its focus ring (`:focus-visible`).
    document.addEventListener('keydown', this.schedule, true);
  }

  snapshotTaken(): void {
    this.last = undefined;
    this.schedule();
  }

  stop(): void {
    document.removeEventListener('focusin', this.schedule, true);
    document.removeEventListener('focusout', this.schedule, true);
    document.removeEventListener('keydown', this.schedule, true);
    clearTimeout(this.timer);
  }

  private readonly schedule = () => {
    this.timer ??= setTimeout(this.check, 0);
  };

  private readonly check = () => {
    this.timer = undefined;
    const element = deepActiveElement();
    const id = element ? this.nodes.getId(element) : -1;
    const state: FocusState = id > 0 ? { id, visible: matchesFocusVisible(element!) } : { id: null, visible: false };
    const previous = this.last;
    this.last = state;
    // Nothing focused where nothing was (or after a snapshot, which the replay starts without focus).
    if (state.id === null && (previous === undefined || previous.id === null)) return;
    if (previous && previous.id === state.id && previous.visible === state.visible) return;
    this.report(state);
  };
}

/** The innermost focused element, through open shadow roots; null for the page itself. */
function deepActiveElement(): Element | null {
  let element = document.activeElement;
  for (let depth = 0; element?.shadowRoot?.activeElement && depth < MAX_SHADOW_DEPTH; depth++) element = element.shadowRoot.activeElement;
  return element === document.body || element === document.documentElement ? null : element;
}

function matchesFocusVisible(element: Element): boolean {
  try {
    return element.matches(':focus-visible');
  } catch {
    return false; // a browser without :focus-visible
  }
}
