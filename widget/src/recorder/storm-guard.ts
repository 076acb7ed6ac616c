/**
 * Node changes (adds, removes, texts, attributes) per second that make a storm. Measured on a 2-core
 * machine, rrweb spends most of the main thread serializing ~10,000 changes a second.
 */
export const MAX_MUTATIONS_PER_SECOND = 5_000;
/** Consecutive stormy seconds before recording stops: a one-off burst (a route change) is fine. */
export const STORM_SECONDS = 3;
const WINDOW_MS = 1_000;

const INCREMENTAL_SNAPSHOT = 3;
const MUTATION_SOURCE = 0;

interface MutationData {
  source?: number;
  adds?: unknown[];
  removes?: unknown[];
  texts?: unknown[];
  attributes?: unknown[];
}

/**
 * Watches the mutation rate of recorded events. A page rewriting its DOM without pause would have
 * the recorder serialize all of it and freeze the visitor's page; past the hard cap, sustained, the
 * recorder stops (with a marker) instead.
 */
export class StormGuard {
  private windowStart = -Infinity;
  private count = 0;
  /** Stormy windows in a row before the current one. */
  private streak = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly cap = MAX_MUTATIONS_PER_SECOND,
    private readonly seconds = STORM_SECONDS,
  ) {}

  /** True once the cap is crossed in `seconds` consecutive one-second windows. */
  exceeded(event: { type: number; data?: unknown }): boolean {
    const data = event.data as MutationData | undefined;
    if (event.type !== INCREMENTAL_SNAPSHOT || data?.source !== MUTATION_SOURCE) return false;
    const at = this.now();
    if (at - this.windowStart >= WINDOW_MS) {
      const adjacent = at - this.windowStart < 2 * WINDOW_MS;
      this.streak = adjacent && this.count > this.cap ? this.streak + 1 : 0;
      this.windowStart = at;
      this.count = 0;
    }
    this.count += (data.adds?.length ?? 0) + (data.removes?.length ?? 0) + (data.texts?.length ?? 0) + (data.attributes?.length ?? 0);
    return this.count > this.cap && this.streak >= this.seconds - 1;
  }
}
