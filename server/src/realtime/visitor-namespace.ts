import { randomBytes } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { isOriginAllowed } from '../apps/apps-service.js';
import type { VisitorClientToServer, VisitorServerToClient } from '../protocol/events.js';
import { visitorHandshakeSchema } from '../protocol/schemas.js';
import type { AppRecord, Repositories } from '../storage/repositories.js';
import { handshakeError } from './handshake-error.js';

export interface VisitorSocketData {
  app: AppRecord;
  visitorId: string;
}

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
export function setupVisitorNamespace(nsp: VisitorNamespace, repos: Repositories, logger: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const parsed = visitorHandshakeSchema.safeParse(socket.handshake.auth);
      if (!parsed.success) return next(handshakeError('E_UNKNOWN_KEY', 'The widget key is missing or malformed.'));
      const app = await repos.apps.findByKey(parsed.data.key);
      if (!app) return next(handshakeError('E_UNKNOWN_KEY'));
      if (!isOriginAllowed(app, socket.handshake.headers.origin, serverOriginOf(socket))) {
        return next(handshakeError('E_ORIGIN_NOT_ALLOWED'));
      }
      socket.data.app = app;
      socket.data.visitorId = parsed.data.visitorId ?? randomBytes(16).toString('base64url');
      next();
    } catch (error) {
      logger.error({ err: error }, 'visitor handshake failed');
      next(handshakeError('E_UNAVAILABLE'));
    }
  });

  nsp.on('connection', (socket: VisitorSocket) => {
    const { app, visitorId } = socket.data;
    socket.emit('widget:ready', {
      visitorId,
      settings: { appName: app.name, appearance: app.settings },
    });
    socket.on('widget:ping', (ack) => {
      if (typeof ack === 'function') ack({ data: { serverTime: Date.now() } });
    });
  });
}
