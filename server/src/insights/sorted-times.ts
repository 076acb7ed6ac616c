/** Binary searches over lists in time order (recordings can hold hundreds of thousands of moments). */

/** How many items of a time-ordered list are strictly before `ts` (`orEqual`: at or before). */
export function countBefore<T>(sorted: readonly T[], ts: number, tsOf: (item: T) => number, orEqual = false): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const at = tsOf(sorted[mid]);
    if (at < ts || (orEqual && at === ts)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export const timeOf = (ts: number): number => ts;
