import type { CookieOptions, Request } from 'express';
import { parse as parseCookieHeader } from 'cookie';
import cookieParser from 'cookie-parser';
import { LOGIN_SESSION_TTL_MS } from '../protocol/limits.js';

export const SESSION_COOKIE = 'chatreel_session';

export function sessionCookieOptions(req: Request): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    signed: true,
    path: '/',
    maxAge: LOGIN_SESSION_TTL_MS,
  };
}

/** The signed session token from a request, or undefined when absent or tampered with. */
export function readSessionToken(req: Request): string | undefined {
  const value = req.signedCookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value ? value : undefined;
}

/** The same, from a raw Cookie header (Socket.IO handshakes do not pass through Express). */
export function readSessionTokenFromHeader(cookieHeader: string | undefined, secret: string): string | undefined {
  if (!cookieHeader) return undefined;
  const raw = parseCookieHeader(cookieHeader)[SESSION_COOKIE];
  if (!raw) return undefined;
  const value = cookieParser.signedCookie(raw, secret);
  return typeof value === 'string' && value ? value : undefined;
}
