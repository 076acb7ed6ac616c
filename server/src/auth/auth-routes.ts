import { Router, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { changePasswordSchema, loginSchema } from '../protocol/schemas.js';
import type { UserRecord } from '../storage/ports.js';
import { hashToken, publicUser, type AuthService } from './auth-service.js';
import type { LoginLimits } from './login-limits.js';
import { readSessionToken, SESSION_COOKIE, sessionCookieOptions } from './session-cookie.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: UserRecord;
  }
}

/** Loads the signed-in user, or answers E_UNAUTHORIZED. */
export function requireUser(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const user = await auth.authenticate(readSessionToken(req));
    if (!user) throw new AppError('E_UNAUTHORIZED');
    req.user = user;
    next();
  };
}

export function currentUser(req: Request): UserRecord {
  if (!req.user) throw new AppError('E_UNAUTHORIZED');
  return req.user;
}

export interface AuthRoutesOptions {
  limits: LoginLimits;
  /** A sign-in ended (its token's hash): its open consoles are disconnected. */
  onSignedOut: (tokenHash: string) => Promise<void>;
}

export function authRoutes(auth: AuthService, { limits, onSignedOut }: AuthRoutesOptions): Router {
  const router = Router();
  const endSignIn = async (token: string | undefined) => {
    if (!token) return;
    await auth.logout(token);
    await onSignedOut(hashToken(token));
  };

  router.post('/login', async (req, res) => {
    const { email, password } = validate(loginSchema, req.body);
    // IPv6 addresses are counted by /56 prefix: one host has many.
    const { token, user } = await limits.attempt(ipKeyGenerator(req.ip ?? ''), email, () => auth.login(email, password));
    // A new token each time; the sign-in this browser had before ends, so no token set earlier (by
    // whoever could set it) outlives this one.
    await endSignIn(readSessionToken(req));
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req));
    res.json({ data: { user: publicUser(user) } });
  });

  router.post('/logout', async (req, res) => {
    await endSignIn(readSessionToken(req));
    const { maxAge: _maxAge, ...options } = sessionCookieOptions(req);
    res.clearCookie(SESSION_COOKIE, options);
    res.json({ data: { ok: true } });
  });

  // Counted like sign-ins (a wrong current password is a failed attempt): no guessing through this door.
  router.post('/password', requireUser(auth), async (req, res) => {
    const { currentPassword, newPassword } = validate(changePasswordSchema, req.body);
    const user = currentUser(req);
    const token = readSessionToken(req)!;
    const ended = await limits
      .attempt(ipKeyGenerator(req.ip ?? ''), user.email, () => auth.changePassword(user, hashToken(token), currentPassword, newPassword))
      .catch((error: unknown) => {
        // Not a 401: the user is signed in, only the password they typed is wrong.
        throw error instanceof AppError && error.code === 'E_BAD_CREDENTIALS' ? new AppError('E_WRONG_PASSWORD') : error;
      });
    for (const tokenHash of ended) await onSignedOut(tokenHash);
    res.json({ data: { ok: true, endedSignIns: ended.length } });
  });

  router.get('/me', requireUser(auth), (req, res) => {
    res.json({ data: { user: publicUser(currentUser(req)) } });
  });

  return router;
}
