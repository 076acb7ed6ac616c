import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';

/** Form fields with this class, or inside an element with it, keep none of the visitor's typing. */
export const IGNORE_CLASS = 'rr-ignore';

// rrweb's numbers (@rrweb/types): event types, incremental sources and serialized node types.
const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const MUTATION = 0;
const INPUT = 5;
const ELEMENT_NODE = 2;

/** Serialized attributes that carry what the visitor typed or chose: the value, a tick, a selected option. */
const STATE_ATTRIBUTES = ['value', 'checked', 'selected'] as const;
const FORM_TAGS = new Set(['input', 'textarea', 'select', 'option']);

interface SerializedNode {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

interface Mutation {
  source: number;
  adds?: Array<{ node: SerializedNode }>;
  attributes?: Array<{ id: number; attributes: Record<string, unknown> }>;
  texts?: Array<{ id: number; value: unknown }>;
}

/** What the recorder knows of the page: rrweb's mirror from serialized ids to live nodes. */
export interface NodeLookup {
  getNode(id: number): Node | null;
}

/**
 * Removes the state of `rr-ignore` fields from an rrweb event before it leaves the recorder.
 *
 * rrweb's `ignoreClass` only stops the input listener: every full snapshot (the first one, the fresh
 * one for a live watcher, the one after a gap, every new page) and every added node still serialize
 * a field's current value — as `*` of the same length when inputs are masked, in clear text when they
 * are not — and a ticked box or a selected option whatever the masking. This takes them out of full
 * snapshots, added nodes, attribute and text changes (in place), and answers null for an input event
 * of such a field (rrweb reports the other radios of a group when one is picked, ignored or not): when
 * the visitor typed there is not kept either.
 */
export function stripIgnoredFields(event: RecordedEvent, nodes: NodeLookup): RecordedEvent | null {
  if (event.type === FULL_SNAPSHOT) {
    stripTree((event.data as { node?: SerializedNode }).node, nodes);
    return event;
  }
  if (event.type !== INCREMENTAL_SNAPSHOT) return event;
  const data = event.data as Mutation & { id?: number };
  if (data.source === INPUT && typeof data.id === 'number' && isIgnored(nodes.getNode(data.id))) return null;
  if (data.source !== MUTATION) return event;
  for (const add of data.adds ?? []) stripTree(add.node, nodes);
  for (const change of data.attributes ?? []) {
    if (isIgnored(nodes.getNode(change.id))) for (const name of STATE_ATTRIBUTES) delete change.attributes[name];
  }
  // A script writing into an ignored textarea changes its text node.
  if (data.texts) data.texts = data.texts.filter((text) => !isIgnored(nodes.getNode(text.id)));
  return event;
}

function stripTree(root: SerializedNode | undefined, nodes: NodeLookup): void {
  // A loop, not recursion: a page can nest deeper than the call stack allows.
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === ELEMENT_NODE && node.tagName && FORM_TAGS.has(node.tagName) && isIgnored(nodes.getNode(node.id))) {
      for (const name of STATE_ATTRIBUTES) delete node.attributes?.[name];
      // A textarea's text is its value (rrweb serializes the children when the value is empty).
      if (node.tagName === 'textarea') node.childNodes = [];
    }
    if (node.childNodes) stack.push(...node.childNodes);
  }
}

/** Whether `node` is, or is inside, an ignored element (across shadow roots up to the document). */
export function isIgnored(node: Node | null): boolean {
  let element = node && (node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement);
  while (element) {
    if (element.closest(`.${IGNORE_CLASS}`)) return true;
    const root = element.getRootNode();
    element = root instanceof ShadowRoot ? root.host : null;
  }
  return false;
}
