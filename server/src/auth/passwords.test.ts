import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { BUSY_RETRY_AFTER_MS } from '../protocol/limits.js';
import { WorkerTaskError, type WorkerFailure, type WorkerPool } from '../workers/worker-pool.js';
import { pooledPasswordHasher } from './passwords.js';

/** A pool whose every task fails for `reason`, as the real one does when it refuses or ends a task. */
const failingPool = (reason: WorkerFailure): WorkerPool => ({
  run: async (name) => {
    throw new WorkerTaskError(name, reason);
  },
  pending: () => 0,
  close: async () => undefined,
});

describe('password hashing in the worker pool', () => {
  it.each(['busy', 'timeout', 'closed'] as const)('answers a pool that is %s with E_UNAVAILABLE and a retry delay, not a 500', async (reason) => {
    const passwords = pooledPasswordHasher(failingPool(reason));
    for (const call of [() => passwords.verify('a-password', 'hash'), () => passwords.hash('a-password')]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'E_UNAVAILABLE', status: 503, details: { retryAfterMs: BUSY_RETRY_AFTER_MS } });
    }
  });

  it('lets a real failure through as one (a bug must stay loud)', async () => {
    const error = await pooledPasswordHasher(failingPool('failed')).verify('a-password', 'hash').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerTaskError);
  });
});
