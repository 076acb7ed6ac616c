import { afterEach, describe, expect, it } from 'vitest';
import { hashPasswordNow } from '../auth/password-hashing.js';
import { pooledPasswordHasher } from '../auth/passwords.js';
import { createWorkerPool, WorkerTaskError, type WorkerPool } from './worker-pool.js';

const PROBE = new URL('./fixtures/probe-tasks.ts', import.meta.url).href;
type Probe = { spinMs?: number; allocateMb?: number; fail?: string; echo?: unknown };
const probe = (pool: WorkerPool, input: Probe, timeoutMs?: number) =>
  (pool.run as (name: string, input: Probe, options?: { timeoutMs?: number }) => Promise<{ echo: unknown; kept: number }>)('probe', input, { timeoutMs });

/** How late a 10 ms timer fires while `work` runs: the event loop's delay. */
async function loopDelayDuring(work: Promise<unknown>): Promise<number> {
  let worst = 0;
  let done = false;
  void work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    worst = Math.max(worst, performance.now() - started - 10);
  }
  return worst;
}

describe('worker pool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('runs a task on another thread: the event loop stays free while it computes', async () => {
    pool = createWorkerPool({ threads: 1, tasksFile: PROBE });
    await probe(pool, {}); // the worker has started
    const work = probe(pool, { spinMs: 600, echo: 'done' });
    const delay = await loopDelayDuring(work);
    expect(await work).toEqual({ echo: 'done', kept: 0 });
    // The same spin on this thread would delay the timer by ~600 ms.
    expect(delay).toBeLessThan(300);
  });

  it('ends a task past its time limit with reason "timeout", and the next task still runs', async () => {
    pool = createWorkerPool({ threads: 1, tasksFile: PROBE });
    const error = await probe(pool, { spinMs: 60_000 }, 300).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerTaskError);
    expect((error as WorkerTaskError).reason).toBe('timeout');
    expect(await probe(pool, { echo: 2 })).toEqual({ echo: 2, kept: 0 });
  });

  it('ends a task past its heap limit with reason "memory", and the process lives on', async () => {
    pool = createWorkerPool({ threads: 1, maxHeapMb: 64, tasksFile: PROBE });
    const error = await probe(pool, { allocateMb: 2_000 }, 20_000).catch((caught: unknown) => caught);
    expect((error as WorkerTaskError).reason).toBe('memory');
    expect(await probe(pool, { echo: 3 })).toEqual({ echo: 3, kept: 0 });
  });

  it('refuses work past its queue with reason "busy", and says "failed" for a task that throws', async () => {
    pool = createWorkerPool({ threads: 1, maxQueue: 1, tasksFile: PROBE });
    await probe(pool, {}); // the worker has started
    const running = [probe(pool, { spinMs: 300 }), probe(pool, { spinMs: 10 })];
    const refused = await probe(pool, {}).catch((caught: unknown) => caught);
    expect((refused as WorkerTaskError).reason).toBe('busy');
    await Promise.all(running);
    expect(((await probe(pool, { fail: 'boom' }).catch((caught: unknown) => caught)) as WorkerTaskError).reason).toBe('failed');
  });

  it('hashes and checks passwords with bcrypt in a worker (the production task catalogue)', async () => {
    pool = createWorkerPool({ threads: 1 });
    const passwords = pooledPasswordHasher(pool);
    const hash = await passwords.hash('correct-horse-battery');
    expect(hash).toMatch(/^\$2[aby]\$11\$/);
    expect(await passwords.verify('correct-horse-battery', hash)).toBe(true);
    expect(await passwords.verify('wrong-horse-battery', hash)).toBe(false);
    expect(await passwords.verify('correct-horse-battery', hashPasswordNow('correct-horse-battery'))).toBe(true);
  });
});
