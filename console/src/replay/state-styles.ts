import { ruleWithStateSelectors, withStateSelectors } from './css-state-selectors.js';
import type { RecordedEvent } from './timeline-markers.js';

// rrweb's numbers (@rrweb/types): event types, incremental sources, serialized node types.
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const STYLE_SHEET_RULE = 8;
const ADOPTED_STYLE_SHEET = 15;
const ELEMENT_NODE = 2;
const TEXT_NODE = 3;

interface SerializedNode {
  type?: unknown;
  id?: unknown;
  isStyle?: unknown;
  textContent?: unknown;
  attributes?: Record<string, unknown>;
  childNodes?: unknown;
}

interface RuleAdd {
  rule?: unknown;
}

const FOCUS_ONLY = { hover: false };
const HOVER_AND_FOCUS = { hover: true };

/**
 * Adds the state twins of css-state-selectors.ts to the CSS a recording carries, before the player
 * sees it: style sheet text in snapshots and added nodes, and text changes of style elements (focus
 * only: rrweb adds hover there itself), inserted rules and adopted style sheets (hover and focus).
 * Works in place, on one event at a time, so seeking replays the rewritten CSS; walks with a stack (a
 * hostile tree may be deeper than the call stack). Keeps which text nodes are style text, to know a
 * later text change of one.
 */
export class StateStyles {
  private readonly styleTextIds = new Set<number>();

  apply(event: RecordedEvent): RecordedEvent {
    const data = event.data as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object') return event;
    if (event.type === FULL_SNAPSHOT) this.tree(data.node);
    else if (event.type === INCREMENTAL && data.source === MUTATION) this.mutation(data);
    else if (event.type === INCREMENTAL && data.source === STYLE_SHEET_RULE) rulesIn(data, data.adds);
    else if (event.type === INCREMENTAL && data.source === ADOPTED_STYLE_SHEET && Array.isArray(data.styles)) {
      for (const style of data.styles as Array<{ rules?: unknown } | null>) if (style && typeof style === 'object') rulesIn(null, style.rules);
    }
    return event;
  }

  private mutation(data: Record<string, unknown>) {
    if (Array.isArray(data.adds)) for (const add of data.adds as Array<{ node?: unknown } | null>) this.tree(add?.node);
    if (Array.isArray(data.texts)) {
      for (const text of data.texts as Array<{ id?: unknown; value?: unknown } | null>) {
        if (text && typeof text.value === 'string' && this.styleTextIds.has(text.id as number)) text.value = withStateSelectors(text.value, FOCUS_ONLY);
      }
    }
  }

  private tree(root: unknown) {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop() as SerializedNode | null;
      if (!node || typeof node !== 'object') continue;
      if (node.type === ELEMENT_NODE && node.attributes && typeof node.attributes._cssText === 'string') {
        node.attributes._cssText = withStateSelectors(node.attributes._cssText, FOCUS_ONLY);
      }
      if (node.type === TEXT_NODE && node.isStyle === true && typeof node.textContent === 'string') {
        if (Number.isInteger(node.id)) this.styleTextIds.add(node.id as number);
        node.textContent = withStateSelectors(node.textContent, FOCUS_ONLY);
      }
      if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
    }
  }
}

/** Inserted rules (`adds`), and a whole text given to `replace`/`replaceSync` (`holder`). */
function rulesIn(holder: Record<string, unknown> | null, adds: unknown) {
  if (Array.isArray(adds)) {
    for (const add of adds as Array<RuleAdd | null>) {
      if (add && typeof add.rule === 'string') add.rule = ruleWithStateSelectors(add.rule, HOVER_AND_FOCUS);
    }
  }
  for (const key of ['replace', 'replaceSync'] as const) {
    if (holder && typeof holder[key] === 'string') holder[key] = withStateSelectors(holder[key] as string, HOVER_AND_FOCUS);
  }
}
