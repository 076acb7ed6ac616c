import type { ChartRange } from '../protocol/activity.js';
import { dayKey, hourKey } from '../protocol/utc-buckets.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** The UTC bucket keys a chart range covers, oldest first, ending with the bucket that holds `now`. */
export function chartKeys(range: ChartRange, now: Date): { unit: 'hour' | 'day'; keys: string[] } {
  if (range === '24h') {
    return { unit: 'hour', keys: Array.from({ length: 24 }, (_, i) => hourKey(new Date(now.getTime() - (23 - i) * HOUR_MS))) };
  }
  const days = range === '7d' ? 7 : 30;
  return { unit: 'day', keys: Array.from({ length: days }, (_, i) => dayKey(new Date(now.getTime() - (days - 1 - i) * DAY_MS))) };
}
