import { AppError } from '../http/app-error.js';
import { BUSY_RETRY_AFTER_MS } from '../protocol/limits.js';
import { WorkerTaskError, type WorkerPool } from '../workers/worker-pool.js';

/** Hashing and checking passwords, off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/**
 * A bcrypt hash (cost 11) of random bytes nobody kept: checked against when an email is unknown, so a
 * sign-in takes as long whether or not the account exists.
 */
export const UNKNOWN_USER_HASH = '$2b$11$xQVrhuXv.EGsny0A3Gf2AuzTMefsCXYCClNRAe8v9mw.sZaFOZ6JG';

export function pooledPasswordHasher(workers: WorkerPool): PasswordHasher {
  return {
    hash: (password) => refusalAsUnavailable(workers.run('password:hash', { password })),
    verify: (password, hash) => refusalAsUnavailable(workers.run('password:verify', { password, hash })),
  };
}

/**
 * A pool that refuses (queue full), or a check that ran out of time, is the server being busy, not a
 * fault: the client is told to come back (503 with Retry-After), never given a 500.
 */
async function refusalAsUnavailable<T>(task: Promise<T>): Promise<T> {
  try {
    return await task;
  } catch (error) {
    if (error instanceof WorkerTaskError && (error.reason === 'busy' || error.reason === 'timeout' || error.reason === 'closed')) {
      throw new AppError('E_UNAVAILABLE', 'The server is busy checking passwords. Try again in a few seconds.', { retryAfterMs: BUSY_RETRY_AFTER_MS });
    }
    throw error;
  }
}
