import { Router, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { LOGIN_FAILURES_PER_WINDOW, LOGIN_WINDOW_MS } from '../protocol/limits.js';
import { loginSchema } from '../protocol/schemas.js';
import type { UserRecord } from '../storage/repositories.js';
import { publicUser, type AuthService } from './auth-service.js';
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

export function authRoutes(auth: AuthService): Router {
  const router = Router();
  // Failed sign-ins per address and email; a success does not count against the limit.
  const loginLimiter = rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: LOGIN_FAILURES_PER_WINDOW,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String(req.body?.email ?? '').trim().toLowerCase()}`,
    handler: (_req, _res, next) =>
      next(new AppError('E_RATE_LIMITED', 'Too many failed sign-in attempts. Wait 15 minutes and try again.')),
  });

  router.post('/login', loginLimiter, async (req, res) => {
    const { email, password } = validate(loginSchema, req.body);
    const { token, user } = await auth.login(email, password);
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
