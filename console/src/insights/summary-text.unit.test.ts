import { describe, expect, it } from 'vitest';
import { countSignals } from './signal-kinds.js';
import { splitTimestamps, summaryFirstLine } from './summary-text.js';

describe('summary text', () => {
  it('finds [mm:ss] and [h:mm:ss] timestamps as offsets, leaving other brackets as text', () => {
    expect(splitTimestamps('Tried a coupon [00:12], then [1:05] an error; at [1:02:03] left. [note] [7:75] [a:10]')).toEqual([
      'Tried a coupon ',
      { text: '[00:12]', offsetMs: 12_000 },
      ', then ',
      { text: '[1:05]', offsetMs: 65_000 },
      ' an error; at ',
      { text: '[1:02:03]', offsetMs: 3_723_000 },
      ' left. [note] [7:75] [a:10]',
    ]);
    expect(splitTimestamps('[0:00]')).toEqual([{ text: '[0:00]', offsetMs: 0 }]);
    expect(splitTimestamps('')).toEqual([]);
  });

  it('previews the first line with text', () => {
    expect(summaryFirstLine('\n  First line.  \nSecond line.')).toBe('First line.');
    expect(summaryFirstLine('')).toBe('');
  });

  it('counts signals per kind in catalogue order, skipping unknown kinds', () => {
    expect(countSignals(['js_error', 'rage_click', 'js_error', 'mystery'])).toEqual([
      { type: 'rage_click', count: 1 },
      { type: 'js_error', count: 2 },
    ]);
  });
});
