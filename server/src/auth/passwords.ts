import bcrypt from 'bcryptjs';

/** bcrypt work factor: about 0.1 s per hash on one core of our reference machine. */
const BCRYPT_ROUNDS = 11;

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_ROUNDS);
export const verifyPassword = (password: string, hash: string): Promise<boolean> => bcrypt.compare(password, hash);

/** A hash of nothing anyone knows, compared against when an email is unknown so timing does not tell. */
export const UNKNOWN_USER_HASH = bcrypt.hashSync('chatreel-unknown-user', BCRYPT_ROUNDS);
