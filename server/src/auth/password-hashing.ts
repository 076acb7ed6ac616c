import bcrypt from 'bcryptjs';

/**
 * bcrypt itself, synchronous: about 0.1 s of CPU per call. Runs in a worker thread (the `password:*`
 * tasks of workers/tasks.ts); on the event loop it would stall every visitor for that long per sign-in.
 * Tests call it directly to create fixture accounts.
 */

/** bcrypt work factor: about 0.1 s per hash on one core of our reference machine. */
const BCRYPT_ROUNDS = 11;

export const hashPasswordNow = (password: string): string => bcrypt.hashSync(password, BCRYPT_ROUNDS);
export const verifyPasswordNow = (password: string, hash: string): boolean => bcrypt.compareSync(password, hash);
