import { STATE_CLASSES } from './css-state-selectors.js';

/** Shadow hosts followed up from a hovered element. */
const MAX_SHADOW_DEPTH = 32;

interface HoveringReplayer {
  hoverElements?: (element: Element) => void;
}

/**
 * rrweb marks the hovered element and its ancestors with the `:hover` class, but stops at the top of
 * a shadow root: a host (and everything above it) styled with `:host(:hover)` or `x-card:hover` kept
 * its plain look. This extends rrweb's `hoverElements` (a method of the pinned rrweb 2.1.6 replayer;
 * replay-fidelity.test.ts fails if it goes) to mark the hosts and their ancestors too, and takes
 * those marks away at the next hover.
 */
export function hoverAcrossShadowRoots(replayer: unknown): void {
  const target = replayer as HoveringReplayer;
  const original = target.hoverElements;
  if (typeof original !== 'function') return;
  let marked: Element[] = [];
  target.hoverElements = (element: Element) => {
    for (const host of marked) host.classList.remove(STATE_CLASSES.hover);
    marked = [];
    original.call(replayer, element);
    // The frame's nodes are of its own realm: `instanceof ShadowRoot` (this window's) never holds for them.
    let root = element.getRootNode() as Node & { host?: Element };
    for (let depth = 0; root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && root.host && depth < MAX_SHADOW_DEPTH; depth++) {
      for (let ancestor: Element | null = root.host; ancestor; ancestor = ancestor.parentElement) {
        ancestor.classList.add(STATE_CLASSES.hover);
        marked.push(ancestor);
      }
      root = root.host.getRootNode();
    }
  };
}
