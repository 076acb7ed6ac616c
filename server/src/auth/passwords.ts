import type { WorkerPool } from '../workers/worker-pool.js';

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
    hash: (password) => workers.run('password:hash', { password }),
    verify: (password, hash) => workers.run('password:verify', { password, hash }),
  };
}
