import { MAX_HEATMAP_RANGE_DAYS } from '../protocol/limits.js';

/**
 * The periods heatmap counts are kept under: each session adds to its day, its week and its month
 * (UTC), so a range is read as a few documents — whole months, then whole weeks, then days at the
 * edges — not one per day. A heatmap's cost is in the fields it reads, and a month's document holds
 * about as many cells as one of its days (clicks fall on the same places), not thirty times as many.
 */

const DAY_MS = 86_400_000;
/** Weeks are 7-day blocks counted from 1970-01-01 (a Thursday): any fixed alignment serves. */
const DAYS_PER_WEEK = 7;

const epochDay = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayOf = (epoch: number) => new Date(epoch * DAY_MS).toISOString().slice(0, 10);
const weekOf = (epoch: number) => Math.floor(epoch / DAYS_PER_WEEK);

/** The periods one day's counts are added to: `d2026-11-30`, `w2915`, `m2026-11`. */
export function periodsOfDay(day: string): string[] {
  return [`d${day}`, `w${weekOf(epochDay(day))}`, `m${day.slice(0, 7)}`];
}

/** Periods that together cover `from`..`to` (days, both included) exactly once each. */
export function periodsCovering(from: string, to: string): string[] {
  const last = epochDay(to);
  const periods: string[] = [];
  for (let cursor = epochDay(from), steps = 0; cursor <= last && steps < MAX_HEATMAP_RANGE_DAYS; steps++) {
    const day = dayOf(cursor);
    const date = new Date(cursor * DAY_MS);
    const monthEnd = Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY_MS) - 1;
    if (date.getUTCDate() === 1 && monthEnd <= last) {
      periods.push(`m${day.slice(0, 7)}`);
      cursor = monthEnd + 1;
    } else if (cursor % DAYS_PER_WEEK === 0 && cursor + DAYS_PER_WEEK - 1 <= Math.min(last, monthEnd)) {
      // A week within the month: one crossing into the next month would keep that month from being read whole.
      periods.push(`w${weekOf(cursor)}`);
      cursor += DAYS_PER_WEEK;
    } else {
      periods.push(`d${day}`);
      cursor += 1;
    }
  }
  return periods;
}
