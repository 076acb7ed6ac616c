import { MAX_SETTLED_ANIMATIONS, MAX_SETTLED_SHADOW_ROOTS } from '../../../server/src/protocol/limits.js';

/** Elements looked through for shadow roots (each root holds its own animations). */
const MAX_ELEMENTS_VISITED = 250_000;

/**
 * Every rebuild of the page (each seek) starts its CSS animations and transitions afresh, and a paused
 * player holds them at their first frame: an entrance animation (a fade-in from opacity 0) froze
 * invisible. This brings each finite one to its end, the state the visitor saw once it had run;
 * endless ones (spinners) are left as they are. Answers how many it finished.
 */
export function settleAnimations(doc: Document): number {
  let finished = 0;
  let seen = 0;
  for (const root of [doc, ...shadowRoots(doc)]) {
    for (const animation of root.getAnimations()) {
      if (seen++ >= MAX_SETTLED_ANIMATIONS) return finished;
      try {
        if (!Number.isFinite(animation.effect?.getComputedTiming().endTime)) continue;
        animation.finish();
        finished += 1;
      } catch {
        // An animation that cannot finish (its playback rate is 0): it stays as it is.
      }
    }
  }
  return finished;
}

function shadowRoots(doc: Document): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const pending: Array<Document | ShadowRoot> = [doc];
  let visited = 0;
  while (pending.length > 0) {
    const walker = doc.createTreeWalker(pending.pop()!, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (++visited > MAX_ELEMENTS_VISITED || roots.length >= MAX_SETTLED_SHADOW_ROOTS) return roots;
      const root = (node as Element).shadowRoot;
      if (root) roots.push(root), pending.push(root);
    }
  }
  return roots;
}
