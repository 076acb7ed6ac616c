import { describe, expect, it } from 'vitest';
import { StormGuard } from './storm-guard.js';

const mutation = (adds: number, extra: Record<string, unknown[]> = {}) => ({
  type: 3,
  data: { source: 0, adds: Array(adds).fill({}), removes: [], texts: [], attributes: [], ...extra },
});

describe('StormGuard', () => {
  it('trips in the third consecutive second past the cap, counting every kind of change', () => {
    let now = 0;
    const guard = new StormGuard(() => now, 100, 3);
    for (const second of [0, 1]) {
      now = second * 1_000;
      expect(guard.exceeded(mutation(60))).toBe(false);
      expect(guard.exceeded(mutation(20, { removes: Array(10).fill({}), texts: Array(10).fill({}), attributes: [{}] }))).toBe(false);
    }
    now = 2_000;
    expect(guard.exceeded(mutation(100))).toBe(false); // at the cap, not past it
    now = 2_500;
    expect(guard.exceeded(mutation(0, { attributes: [{}] }))).toBe(true);
  });

  it('lets a one-off burst through, and starts over after a quiet second', () => {
    let now = 0;
    const guard = new StormGuard(() => now, 100, 3);
    expect(guard.exceeded(mutation(5_000))).toBe(false); // a route change rendering a big page
    now = 1_000;
    expect(guard.exceeded(mutation(500))).toBe(false);
    now = 3_500; // a quiet gap
    expect(guard.exceeded(mutation(500))).toBe(false);
    now = 4_500;
    expect(guard.exceeded(mutation(500))).toBe(false);
    now = 5_500;
    expect(guard.exceeded(mutation(500))).toBe(true);
  });

  it('ignores events that are not mutations', () => {
    let now = 0;
    const guard = new StormGuard(() => now, 100, 1);
    for (let second = 0; second < 5; second += 1) {
      now = second * 1_000;
      expect(guard.exceeded({ type: 3, data: { source: 1, positions: Array(500).fill({}) } })).toBe(false);
      expect(guard.exceeded({ type: 2, data: {} })).toBe(false);
    }
  });
});
