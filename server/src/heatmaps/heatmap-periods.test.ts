import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodsCovering, periodsOfDay } from './heatmap-periods.js';

/** The periods read for a range add up each of its days exactly once, and never a day outside it. */
const DAY_MS = 86_400_000;
const dayOf = (epoch: number) => new Date(epoch * DAY_MS).toISOString().slice(0, 10);

describe('heatmap periods', () => {
  it('cover every day of any range once, whole months and weeks read as one period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 19_000, max: 21_000 }), fc.integer({ min: 0, max: 365 }), (start, length) => {
        const days = Array.from({ length: length + 1 }, (_, i) => dayOf(start + i));
        const periods = periodsCovering(days[0], days.at(-1)!);
        // Each day of the range is counted in exactly one period read; a day outside, in none.
        const outside = [dayOf(start - 1), dayOf(start + length + 1)];
        for (const day of days) expect(periodsOfDay(day).filter((period) => periods.includes(period))).toHaveLength(1);
        for (const day of outside) expect(periodsOfDay(day).filter((period) => periods.includes(period))).toHaveLength(0);
        // Few documents per range: whole months, at most a few weeks and days at each edge.
        expect(periods.length).toBeLessThanOrEqual(13 + 2 * (4 + 6 + 6));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a whole month as one period and a week inside a month as one', () => {
    expect(periodsCovering('2026-11-01', '2026-11-30')).toEqual(['m2026-11']);
    expect(periodsCovering('2026-11-05', '2026-11-11')).toEqual([`w${Math.floor(Date.parse('2026-11-05T00:00:00Z') / DAY_MS / 7)}`]);
    expect(periodsCovering('2026-11-30', '2026-12-01')).toEqual(['d2026-11-30', 'd2026-12-01']);
  });
});
