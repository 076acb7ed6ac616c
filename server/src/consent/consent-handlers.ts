import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { CONSENT_ERASURES_PER_VISITOR_PER_MINUTE } from '../protocol/limits.js';
import { consentSetSchema } from '../protocol/schemas.js';
import { createRateLimit, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import type { commandHandler, VisitorSocket } from '../realtime/visitor-namespace.js';

/**
 * Whether this connection may be recorded (issue 22), checked before any recording is opened or
 * stored: the widget gates itself too, but the server never trusts it to. The application's settings
 * are those of the handshake, as for every other setting (new connections get new settings).
 */
export function assertMayRecord(socket: VisitorSocket): void {
  const { app, consent, privacySignal } = socket.data;
  if (app.settings.consent.respectPrivacySignals && privacySignal) throw new AppError('E_PRIVACY_SIGNAL');
  // Consent mode records only after consent; without it, only a revocation stops recording.
  if (app.settings.consent.required ? consent !== true : consent === false) throw new AppError('E_CONSENT_REQUIRED');
}

/**
 * The privacy signals a browser sends by itself on every request, whatever the page's scripts do:
 * Global Privacy Control (`Sec-GPC: 1`) and Do Not Track (`DNT: 1`).
 */
export function privacySignalHeaders(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['sec-gpc'] === '1' || headers.dnt === '1';
}

export interface ConsentDeps {
  /** Ends and erases one visitor's sessions (ingest/retention.ts, the owner's erasure path). */
  erase: (appId: string, visitorId: string) => Promise<unknown>;
  rateLimits?: RateLimitStore;
}

/** `consent:set` on a visitor's connection: the site gave or revoked consent on this page. */
export function createConsentHandlers(deps: ConsentDeps) {
  const erasures = createRateLimit(
    { name: 'consent-erase', points: CONSENT_ERASURES_PER_VISITOR_PER_MINUTE, windowMs: 60_000, message: 'Too many erasures for this visitor.' },
    deps.rateLimits,
  );
  return (socket: VisitorSocket, handle: ReturnType<typeof commandHandler>): void => {
    handle('consent:set', async (payload) => {
      const { consent } = validate(consentSetSchema, payload);
      // Takes effect before anything else: a batch arriving after this is refused, erased or not.
      socket.data.consent = consent;
      const { app, visitorId } = socket.data;
      if (consent || !app.settings.consent.eraseOnRevoke) return { erased: false };
      await erasures.take(`${app.id}|${visitorId}`);
      await deps.erase(app.id, visitorId);
      return { erased: true };
    });
  };
}
