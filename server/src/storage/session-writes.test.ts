import { describe, expect, it } from 'vitest';
import { serializeSessionWrite } from './session-writes.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serializeSessionWrite', () => {
  it('runs writes to one session one after another, and other sessions alongside', async () => {
    const log: string[] = [];
    const write = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await tick(ms);
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      serializeSessionWrite('a', write('a1', 30)),
      serializeSessionWrite('a', write('a2', 1)),
      serializeSessionWrite('b', write('b1', 1)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 end')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('keeps going after a failed write, and passes the failure to its caller', async () => {
    const failing = serializeSessionWrite('c', async () => {
      throw new Error('write failed');
    });
    const next = serializeSessionWrite('c', async () => 'next');
    await expect(failing).rejects.toThrow('write failed');
    await expect(next).resolves.toBe('next');
  });
});
