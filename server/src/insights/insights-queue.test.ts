import { describe, expect, it } from 'vitest';
import { createInsightsQueue, InsightsQueueFull } from './insights-queue.js';

/** A task the test finishes by hand, recording when it started. */
function manual(log: string[], name: string) {
  let finish!: (value: string) => void;
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve) => (finish = resolve));
  };
  return { task, finish: (value = name) => finish(value) };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the insights queue', () => {
  it('runs one analysis at a time, an agent’s first, and shares one analysis per session (moving a waiting one ahead)', async () => {
    const log: string[] = [];
    const queue = createInsightsQueue(10);
    const a = manual(log, 'a');
    const b = manual(log, 'b');
    const c = manual(log, 'c');
    const ranA = queue.run('background', 'a', a.task);
    const ranB = queue.run('background', 'b', b.task);
    const ranC = queue.run('background', 'c', c.task);
    // An agent looks at session c (polling twice) while a runs and b, c wait: c goes next, once.
    const lookC = queue.run('urgent', 'c', async () => 'never run');
    const lookAgain = queue.run('urgent', 'c', async () => 'never run');
    await tick();
    expect(log).toEqual(['start a']);
    a.finish();
    await tick();
    expect(log).toEqual(['start a', 'start c']);
    c.finish('c result');
    expect(await Promise.all([ranC, lookC, lookAgain])).toEqual(['c result', 'c result', 'c result']);
    await tick();
    expect(log).toEqual(['start a', 'start c', 'start b']);
    b.finish();
    expect(await Promise.all([ranA, ranB])).toEqual(['a', 'b']);
    await queue.idle();
  });

  it('refuses work past its bound, per lane', async () => {
    const queue = createInsightsQueue(1);
    const first = manual([], 'first');
    const running = queue.run('background', 's1', first.task);
    const waiting = queue.run('background', 's2', async () => 'ok');
    await expect(queue.run('background', 's3', async () => 'no')).rejects.toBeInstanceOf(InsightsQueueFull);
    const urgent = queue.run('urgent', 's4', async () => 'agent');
    first.finish();
    expect(await Promise.all([running, urgent, waiting])).toEqual(['first', 'agent', 'ok']);
  });
});
