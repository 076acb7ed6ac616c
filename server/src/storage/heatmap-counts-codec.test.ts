import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounts, encodeCounts } from './heatmap-counts-codec.js';

/** Counts survive encoding exactly, add up when decoded into one array, and hostile bytes cost only themselves. */
describe('heatmap counts codec', () => {
  const dense = (length: number) => fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 35 - 1 })), { minLength: length, maxLength: length });

  it('decodes what it encoded, and decoding two adds them', () => {
    fc.assert(
      fc.property(dense(300), dense(300), (a, b) => {
        const sum = new Float64Array(300);
        addCounts(encodeCounts(a), sum);
        expect(Array.from(sum)).toEqual(a);
        addCounts(encodeCounts(b), sum);
        expect(Array.from(sum)).toEqual(a.map((n, i) => n + b[i]));
      }),
    );
  });

  it('keeps an empty array empty and a sparse one small', () => {
    expect(encodeCounts(new Float64Array(20_000))).toHaveLength(0);
    const sparse = new Float64Array(20_000);
    sparse[19_999] = 3;
    // One pair: a 3-byte delta and a 1-byte count.
    expect(encodeCounts(sparse)).toHaveLength(4);
  });

  it('never writes past the array it adds into, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const into = new Float64Array(50);
        addCounts(bytes, into);
        for (const n of into) expect(Number.isFinite(n) && n >= 0).toBe(true);
      }),
    );
  });
});
