import type { RecordedEvent } from './timeline-markers.js';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const ELEMENT_NODE = 2;
/** An id no recorder gives out (they count up from 1), for the node the replay adds. */
const GUARD_NODE_ID = Number.MAX_SAFE_INTEGER - 7;

interface SerializedNode {
  type?: unknown;
  tagName?: unknown;
  attributes?: Record<string, unknown>;
  childNodes?: unknown;
  id?: unknown;
}

/** Attributes that would make a recorded load tell its server who asks: a CORS mode (Origin) or a looser referrer policy. */
const LEAKING_ATTRIBUTES = new Set(['crossorigin', 'referrerpolicy']);

const isReferrerName = (value: unknown) => typeof value === 'string' && value.trim().toLowerCase() === 'referrer';

function cleanAttributes(attributes: Record<string, unknown>, tagName: unknown): void {
  for (const name of Object.keys(attributes)) {
    const lower = name.toLowerCase();
    if (LEAKING_ATTRIBUTES.has(lower)) delete attributes[name];
    // A recorded <meta name="referrer" content="unsafe-url"> would set the replay document's policy.
    else if (lower === 'name' && isReferrerName(attributes[name]) && String(tagName).toLowerCase() === 'meta') delete attributes[name];
  }
}

/** Every element under `root`, walked with a stack (a hostile tree may be deeper than the call stack). */
function cleanTree(root: unknown): void {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as SerializedNode | null;
    if (!node || typeof node !== 'object') continue;
    if (node.type === ELEMENT_NODE && node.attributes && typeof node.attributes === 'object') cleanAttributes(node.attributes, node.tagName);
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
  }
}

/** The snapshot's <head>, to which the replay's own `<meta name="referrer" content="no-referrer">` goes first. */
function headOf(snapshotRoot: unknown): SerializedNode | undefined {
  const children = (node: unknown) => (Array.isArray((node as SerializedNode | null)?.childNodes) ? ((node as SerializedNode).childNodes as SerializedNode[]) : []);
  const html = children(snapshotRoot).find((node) => node?.type === ELEMENT_NODE && String(node.tagName).toLowerCase() === 'html');
  return children(html).find((node) => node?.type === ELEMENT_NODE && String(node.tagName).toLowerCase() === 'head');
}

/**
 * Keeps the console's address out of the requests a replay makes for the recorded page's images,
 * stylesheets and media (they still go to the recorded site's URLs): the rebuilt document gets a
 * no-referrer policy of its own, ahead of anything recorded, and recorded attributes that would
 * loosen it or switch a load to CORS (which sends `Origin`) are dropped. Works in place.
 */
export function guardResourceLoads(event: RecordedEvent): RecordedEvent {
  const data = event.data as { node?: unknown; source?: unknown; adds?: unknown; attributes?: unknown } | undefined;
  if (!data || typeof data !== 'object') return event;
  if (event.type === FULL_SNAPSHOT) {
    cleanTree(data.node);
    const head = headOf(data.node);
    if (head && Array.isArray(head.childNodes)) {
      head.childNodes.unshift({ type: ELEMENT_NODE, tagName: 'meta', attributes: { name: 'referrer', content: 'no-referrer' }, childNodes: [], id: GUARD_NODE_ID });
    }
  } else if (event.type === INCREMENTAL && data.source === MUTATION) {
    if (Array.isArray(data.adds)) for (const add of data.adds) cleanTree((add as { node?: unknown } | null)?.node);
    if (Array.isArray(data.attributes)) {
      for (const change of data.attributes as Array<{ attributes?: Record<string, unknown> } | null>) {
        const attributes = change?.attributes;
        if (!attributes || typeof attributes !== 'object') continue;
        for (const name of Object.keys(attributes)) {
          const lower = name.toLowerCase();
          if (LEAKING_ATTRIBUTES.has(lower) || (lower === 'name' && isReferrerName(attributes[name]))) attributes[name] = null;
        }
      }
    }
  }
  return event;
}
