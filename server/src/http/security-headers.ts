import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers every response carries (nosniff, referrer policy, no framing by other sites, …). HSTS is left
 * to the TLS-terminating proxy in front of a self-hosted server; the widget's files set their own
 * cross-origin resource policy because other sites load them.
 */
export const baseSecurityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
  });

/**
 * The console's Content-Security-Policy. Its own scripts only, talking to its own origin. The replay
 * rebuilds a recorded page inside an iframe that inherits this policy: that page's images and
 * stylesheets may come from anywhere, its inline styles are rrweb's way of restoring CSS, and its
 * scripts never run (the iframe's sandbox already forbids them; `script-src 'self'` says it twice).
 * Its web fonts may come from anywhere too, for fidelity: a font is always fetched in CORS mode, so
 * its server learns the console's origin (`Origin`, never a path) — the origin every site's widget
 * script tag names anyway.
 */
export const consoleContentSecurityPolicy = (): RequestHandler =>
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'", 'https:', 'http:'],
      imgSrc: ['*', 'data:', 'blob:'],
      fontSrc: ['*', 'data:'],
      mediaSrc: ['*', 'data:', 'blob:'],
      connectSrc: ["'self'"],
      frameSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
