import { describe, expect, it } from 'vitest';
import { CONTIGUITY_IDLE_MS, contiguityMarks } from './contiguity-marks.js';

describe('contiguity marks (what this node knows of each stored prefix)', () => {
  it('answers without the database only while nothing known lies above the mark', () => {
    const marks = contiguityMarks();
    expect(marks.markOf('s')).toBeNull();
    marks.stored('s', 1);
    marks.stored('s', 2);
    expect(marks.markOf('s')).toBe(2);
    marks.stored('s', 4);
    // 3 may have been stored by another node: the database decides.
    expect(marks.markOf('s')).toBeNull();
    marks.known('s', 2);
    expect(marks.markOf('s')).toBeNull();
    marks.stored('s', 3);
    expect(marks.markOf('s')).toBe(4);
  });

  it('starts from what the database says, never above it, and forgets on request or when idle', () => {
    let now = 0;
    const marks = contiguityMarks(() => now);
    marks.stored('t', 57);
    expect(marks.markOf('t')).toBeNull();
    marks.known('t', 57);
    expect(marks.markOf('t')).toBe(57);
    marks.known('t', 40);
    expect(marks.markOf('t')).toBe(57);
    marks.forget(['t']);
    expect(marks.markOf('t')).toBeNull();
    marks.stored('u', 1);
    now = CONTIGUITY_IDLE_MS + 1;
    marks.sweep();
    expect(marks.markOf('u')).toBeNull();
  });
});
