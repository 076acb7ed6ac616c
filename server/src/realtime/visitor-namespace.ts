import { randomBytes } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { isOriginAllowed } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { clientAddress } from '../http/client-address.js';
import type { TrustProxy } from '../http/console-origin.js';
import { validate } from '../http/validate.js';
import type { Ack, VisitorClientToServer, VisitorServerToClient, WidgetSettings } from '../protocol/events.js';
import { sessionStartSchema, visitorHandshakeSchema } from '../protocol/schemas.js';
import { visitorSession, type SessionsService } from '../sessions/sessions-service.js';
import type { AppRecord, Repositories } from '../storage/ports.js';
import { privacySignalHeaders } from '../consent/consent-handlers.js';
import { handshakeError } from './handshake-error.js';
import type { VisitorLimits } from './visitor-limits.js';
import { isVisitorTokenValid, visitorToken } from './visitor-token.js';

export interface VisitorSocketData {
  app: AppRecord;
  visitorId: string;
  /** The client's address, as rate limits count it (http/client-address.ts). */
  address: string;
  /** Set once the widget started or resumed a session on this connection. */
  sessionId?: string;
  /** What the host page's `identify` said (chat/identity-middleware.ts). */
  identity?: { name: string; email: string; verified: boolean };
  /** The site gave (true) or revoked (false) consent to recording (handshake `consent`, then `consent:set`); undefined: it said nothing. */
  consent?: boolean;
  /** The browser sends Global Privacy Control or Do Not Track (handshake `privacySignal`). */
  privacySignal?: boolean;
}

/** What a visitor's browser may know of its application's settings: never secrets or AI prompts. */
export function widgetSettings(app: AppRecord): WidgetSettings {
  const { color, position, greeting } = app.settings;
  return { appName: app.name, appearance: { color, position, greeting }, chat: { startOn: app.settings.recording.startOn },
    recording: {
      maskAllInputs: app.settings.recording.maskAllInputs,
      blockSelectors: app.settings.recording.blockSelectors,
      maskSelectors: app.settings.recording.maskSelectors,
      captureConsole: app.settings.recording.captureConsole,
      captureNetwork: app.settings.recording.captureNetwork,
      keepQueryValues: app.settings.recording.keepQueryValues,
    },
    // Only whether: the prompt's text comes with the one offer the server grants (struggle-service.ts).
    help: { offerOnStruggle: app.settings.help.offerOnStruggle },
    consent: { required: app.settings.consent.required, respectPrivacySignals: app.settings.consent.respectPrivacySignals, notice: app.settings.consent.noticeText },
  };
}

/** Room of everyone concerned with one session (the visitor's tabs, watching agents). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;
export type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;

/** Origin of the server as the browser sees it, from the handshake's Host header. */
function serverOriginOf(socket: Socket): string | undefined {
  const host = socket.handshake.headers.host;
  if (!host) return undefined;
  const forwardedProto = socket.handshake.headers['x-forwarded-proto'];
  const secure = (socket.request.socket as { encrypted?: boolean }).encrypted || forwardedProto === 'https';
  return `${secure ? 'https' : 'http'}://${host}`;
}

/** The widget's namespace: a handshake names an application key from an allowed origin, or is refused. */
export function setupVisitorNamespace(
  nsp: VisitorNamespace,
  deps: { repos: Repositories; sessions: SessionsService; limits: VisitorLimits; logger: Logger; secret: string; trustProxy?: TrustProxy },
): void {
  const { repos, sessions, limits, logger, secret, trustProxy } = deps;
  nsp.use(async (socket, next) => {
    try {
      // Counted before anything is looked up, so a flood of handshakes costs no database reads.
      const address = clientAddress(socket.request.socket.remoteAddress, socket.handshake.headers['x-forwarded-for'], trustProxy);
      try {
        await limits.connection(address);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return next(handshakeError(error.code, error.message, error.details));
      }
      socket.data.address = address;
      const parsed = visitorHandshakeSchema.safeParse(socket.handshake.auth);
      if (!parsed.success) return next(handshakeError('E_UNKNOWN_KEY', 'The widget key is missing or malformed.'));
      const app = await repos.apps.findByKey(parsed.data.key);
      if (!app) return next(handshakeError('E_UNKNOWN_KEY'));
      if (!isOriginAllowed(app, socket.handshake.headers.origin, serverOriginOf(socket))) {
        return next(handshakeError('E_ORIGIN_NOT_ALLOWED'));
      }
      socket.data.app = app;
      socket.data.consent = parsed.data.consent;
      // What the widget read in the page, or what the browser itself says in the handshake's headers.
      socket.data.privacySignal = parsed.data.privacySignal === true || privacySignalHeaders(socket.handshake.headers);
      // An id is honoured only with its token; without one it is a new anonymous visitor, never a resumption.
      const { visitorId, visitorToken: token } = parsed.data;
      socket.data.visitorId =
        visitorId && isVisitorTokenValid(secret, app.id, visitorId, token) ? visitorId : randomBytes(16).toString('base64url');
      next();
    } catch (error) {
      logger.error({ err: error }, 'visitor handshake failed');
      next(handshakeError('E_UNAVAILABLE'));
    }
  });

  nsp.on('connection', async (socket: VisitorSocket) => {
    const { app, visitorId } = socket.data;
    const handle = commandHandler(socket, logger);

    handle('widget:ping', async () => ({ serverTime: Date.now() }));

    handle('session:start', async (payload) => {
      const input = validate(sessionStartSchema, payload);
      await limits.sessionStart(app.id, visitorId, socket.data.address, socket.id);
      // A connection is one page view: the widget starts or resumes once on it. Starting again while
      // its session is under way is answered from that session and writes nothing (no page added).
      if (socket.data.sessionId) {
        const current = await sessions.active(app, visitorId);
        if (current?.id === socket.data.sessionId) return { session: visitorSession(current), resumed: true };
      }
      const userAgent = String(socket.handshake.headers['user-agent'] ?? '').slice(0, 512);
      const { session, resumed } = await sessions.startOrResume(app, visitorId, { ...input, userAgent });
      if (socket.data.sessionId && socket.data.sessionId !== session.id) await socket.leave(sessionRoom(socket.data.sessionId));
      socket.data.sessionId = session.id;
      await socket.join(sessionRoom(session.id));
      return { session: visitorSession(session), resumed };
    });

    handle('session:end', async () => {
      const sessionId = socket.data.sessionId;
      if (!sessionId) throw new AppError('E_NOT_FOUND', 'There is no session to end.');
      const session = (await sessions.end(sessionId, 'visitor-ended')) ?? (await repos.sessions.findById(sessionId));
      if (!session) throw new AppError('E_NOT_FOUND', 'There is no session to end.');
      nsp.to(sessionRoom(session.id)).emit('session:ended', { sessionId: session.id, reason: 'visitor-ended' });
      return { session: visitorSession(session) };
    });

    try {
      const session = await sessions.active(app, visitorId);
      socket.emit('widget:ready', {
        visitorId,
        visitorToken: visitorToken(secret, app.id, visitorId),
        settings: widgetSettings(app),
        session: session ? visitorSession(session) : null,
      });
    } catch (error) {
      logger.error({ err: error }, 'could not load the visitor session');
      socket.disconnect(true);
    }
  });
}

/**
 * Registers a command: validates that an acknowledgement callback came with it, runs the handler,
 * and answers `{ data }` or `{ error }`. A client's bytes can make a command fail, never the server.
 */
export function commandHandler(socket: VisitorSocket, logger: Logger) {
  return <E extends keyof VisitorClientToServer>(
    event: E,
    handler: (...args: unknown[]) => Promise<VisitorClientToServer[E] extends (...a: infer A) => void ? (A extends [...unknown[], Ack<infer T>] ? T : never) : never>,
  ) => {
    const listener = async (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return; // every command is acknowledged; a bare emit is ignored
      try {
        ack({ data: await handler(...args.slice(0, -1)) });
      } catch (error) {
        const known = error instanceof AppError ? error : new AppError('E_INTERNAL');
        if (!(error instanceof AppError)) logger.error({ err: error, event }, 'visitor command failed');
        ack(known.toBody());
      }
    };
    socket.on(event, listener as never);
  };
}
