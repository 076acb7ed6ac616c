import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse as parseCookieHeader } from 'cookie';
import type { RequestHandler } from 'express';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { AppError } from './app-error.js';

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`): is the peer a proxy we trust? */
export type TrustProxy = (address: string | undefined, hop: number) => boolean;

export interface ConsoleOriginGuard {
  /**
   * Whether a request (REST, or the handshake of a console socket) comes from the console's own pages.
   * `strict`: without Origin and Sec-Fetch-Site, a request carrying the sign-in cookie is refused.
   */
  allows(req: IncomingMessage, options: { strict: boolean }): boolean;
  /** Refuses state-changing API requests (anything but GET, HEAD, OPTIONS) from other origins. */
  middleware: RequestHandler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The console trusts its own origin only: by default the one each request is addressed to (Host and
 * protocol; X-Forwarded-Host/-Proto only from a proxy `trust proxy` trusts), plus `configured` ones for
 * deployments behind a proxy that rewrites Host. The sign-in cookie is SameSite=Lax, so a page on a
 * sibling subdomain (same site) gets it sent along; SameSite alone does not stop it, this does.
 *
 * Without an Origin header, Sec-Fetch-Site decides. Without either, the request is not a cross-origin
 * one from a current browser (they send Origin on every cross-origin fetch, form POST and WebSocket):
 * a socket handshake then passes (a same-origin polling GET carries neither on plain http), and so does
 * a state-changing request without the cookie (curl signing in); one with the cookie is refused.
 */
export function consoleOriginGuard(configured: readonly string[], trustProxy: TrustProxy): ConsoleOriginGuard {
  const allows: ConsoleOriginGuard['allows'] = (req, { strict }) => {
    const origin = single(req.headers.origin);
    if (origin !== undefined) {
      const claimed = originOf(origin); // "null" (sandboxed frames, data: URLs) parses to nothing: refused
      return claimed !== undefined && (claimed === addressedOrigin(req, trustProxy) || configured.includes(claimed));
    }
    const site = single(req.headers['sec-fetch-site']);
    if (site !== undefined) return site === 'same-origin' || site === 'none';
    return !strict || !carriesSignIn(req);
  };
  return {
    allows,
    middleware: (req, _res, next) => {
      if (SAFE_METHODS.has(req.method) || allows(req, { strict: true })) return next();
      next(new AppError('E_FOREIGN_ORIGIN'));
    },
  };
}

/** The origin a request was addressed to, as Express's `req.protocol` and `req.host` see it. */
export function addressedOrigin(req: IncomingMessage, trustProxy: TrustProxy): string | undefined {
  const viaProxy = trustProxy(req.socket.remoteAddress, 0);
  const forwarded = (name: string) => (viaProxy ? single(req.headers[name])?.split(',')[0].trim() || undefined : undefined);
  const protocol = forwarded('x-forwarded-proto') ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  const host = forwarded('x-forwarded-host') ?? single(req.headers.host);
  return host ? originOf(`${protocol}://${host}`) : undefined;
}

/** `https://Chat.Example.com:443` → `https://chat.example.com`; undefined for anything not an http(s) origin. */
function originOf(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function carriesSignIn(req: IncomingMessage): boolean {
  const header = req.headers.cookie;
  return Boolean(header && parseCookieHeader(header)[SESSION_COOKIE]);
}
