import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkers } from './worker-pool.js';

/** The nice value in a /proc stat file (field 19). */
const niceOf = (statPath: string) => Number(readFileSync(statPath, 'utf8').split(') ')[1].split(' ')[16]);
/** Nice values of this process's threads, highest first. */
const threadNiceValues = () => readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`)).sort((a, b) => b - a);

const linux = (() => {
  try {
    return readdirSync('/proc/self/task').length > 0;
  } catch {
    return false;
  }
})();

describe.runIf(linux)('background priority of analyses', () => {
  const pool = createWorkers({ threads: 2 });
  afterAll(() => pool.close());

  it('runs an insights analysis on a worker thread 10 nice levels below the event loop, which keeps its own', async () => {
    const own = niceOf('/proc/self/stat');
    const analyses = Array.from({ length: 3 }, () =>
      pool.run('insights:analyze', { chunks: [], cutReason: null, messages: [], askedForHumanNote: '', session: { startedAt: 0, endedAt: null, endReason: null } }),
    );
    // Interactive work at the same moment runs on threads of its own lane, which keep their priority.
    await Promise.all([...analyses, ...Array.from({ length: 4 }, () => pool.run('password:verify', { password: 'x', hash: '$2b$04$abcdefghijklmnopqrstuu1vVqBf3L5vZg6m6yJm8pR0yYtY3mYm6' }))]);
    const lowered = threadNiceValues().filter((nice) => nice === Math.min(19, own + 10));
    expect(lowered).toHaveLength(1);
    expect(niceOf('/proc/self/stat')).toBe(own);
  });
});
