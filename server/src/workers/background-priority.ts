import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much lower than the event loop background work runs (added to the nice value; 19 is the lowest). */
const BACKGROUND_NICE = 10;
let lowered = false;

/**
 * Lowers the CPU priority of the calling worker thread, once: long analyses of recordings then yield
 * the CPU to the event loop (acknowledgements, /healthz) on a busy machine instead of sharing it
 * equally. Linux sets priorities per thread (/proc/thread-self names this one); elsewhere, or when
 * not allowed, the work runs at normal priority. Raising it again needs privileges, so the thread
 * stays lower for the rest of its life, whatever it runs next.
 */
export function runAtBackgroundPriority(): void {
  if (lowered) return;
  lowered = true;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, Math.min(19, getPriority(threadId) + BACKGROUND_NICE));
  } catch {
    // Not Linux, or not permitted: nothing to do.
  }
}
