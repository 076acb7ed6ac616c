import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../http/app-error.js';
import { LOGIN_SESSION_TTL_MS } from '../protocol/limits.js';
import type { PublicUser } from '../protocol/events.js';
import type { Repositories, UserRecord } from '../storage/ports.js';
import { UNKNOWN_USER_HASH, type PasswordHasher } from './passwords.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function publicUser(user: UserRecord): PublicUser {
  return { id: user.id, email: user.email, role: user.role };
}

export interface AuthService {
  /** Checks the password and opens a sign-in; returns the cookie token. */
  login(email: string, password: string): Promise<{ token: string; user: UserRecord }>;
  /** The signed-in user for a cookie token, or null. */
  authenticate(token: string | undefined): Promise<UserRecord | null>;
  /** The same by the token's hash (what a live console keeps), read from the database each time. */
  authenticateHash(tokenHash: string): Promise<UserRecord | null>;
  logout(token: string | undefined): Promise<void>;
  /** Milliseconds until the sign-in expires; null when it is gone or expired. */
  signInEndsIn(tokenHash: string): Promise<number | null>;
  /**
   * Changes the user's password when `currentPassword` is theirs (E_BAD_CREDENTIALS otherwise, counted
   * by the sign-in limits like a failed sign-in) and ends
   * every other sign-in of the user; answers the token hashes it ended (their consoles are disconnected).
   */
  changePassword(user: UserRecord, keepTokenHash: string, currentPassword: string, newPassword: string): Promise<string[]>;
}

export function createAuthService(repos: Repositories, passwords: PasswordHasher, now: () => Date = () => new Date()): AuthService {
  const authenticateHash = async (tokenHash: string) => {
    const userId = await repos.logins.findUserId(tokenHash, now());
    return userId ? repos.users.findById(userId) : null;
  };
  return {
    async login(email, password) {
      const user = await repos.users.findByEmail(email);
      const ok = await passwords.verify(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!user || !ok) throw new AppError('E_BAD_CREDENTIALS');
      const token = randomBytes(32).toString('base64url');
      const createdAt = now();
      await repos.logins.create({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + LOGIN_SESSION_TTL_MS),
      });
      return { token, user };
    },
    authenticate: async (token) => (token ? authenticateHash(hashToken(token)) : null),
    authenticateHash,
    async signInEndsIn(tokenHash) {
      const at = now();
      const expiresAt = await repos.logins.expiresAt(tokenHash, at);
      return expiresAt ? expiresAt.getTime() - at.getTime() : null;
    },
    async logout(token) {
      if (token) await repos.logins.delete(hashToken(token));
    },
    async changePassword(user, keepTokenHash, currentPassword, newPassword) {
      const stored = await repos.users.findById(user.id);
      if (!stored || !(await passwords.verify(currentPassword, stored.passwordHash))) throw new AppError('E_BAD_CREDENTIALS');
      await repos.users.setPasswordHash(user.id, await passwords.hash(newPassword));
      return repos.logins.deleteOthersOfUser(user.id, keepTokenHash);
    },
  };
}
