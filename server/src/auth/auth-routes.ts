import { Router, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { loginSchema } from '../protocol/schemas.js';
import type { UserRecord } from '../storage/repositories.js';
import { publicUser, type AuthService } from './auth-service.js';
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
}

export function authRoutes(auth: AuthService, { limits }: AuthRoutesOptions): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const { email, password } = validate(loginSchema, req.body);
    // IPv6 addresses are counted by /56 prefix: one host has many.
    const { token, user } = await limits.attempt(ipKeyGenerator(req.ip ?? ''), email, () => auth.login(email, password));
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req));
    res.json({ data: { user: publicUser(user) } });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(readSessionToken(req));
    const { maxAge: _maxAge, ...options } = sessionCookieOptions(req);
    res.clearCookie(SESSION_COOKIE, options);
    res.json({ data: { ok: true } });
  });

  router.get('/me', requireUser(auth), (req, res) => {
    res.json({ data: { user: publicUser(currentUser(req)) } });
  });

  return router;
}
