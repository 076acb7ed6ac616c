import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { hashToken, publicUser, type AuthService } from '../auth/auth-service.js';
import { readSessionTokenFromHeader } from '../auth/session-cookie.js';
import type { ConsoleOriginGuard } from '../http/console-origin.js';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import type { ConsoleAccess } from './console-access.js';
import { handshakeError } from './handshake-error.js';

/**
 * Who a console socket is: ids only. The user's role and applications are read from the database at
 * each command and subscription, never kept here (they change while the socket is open).
 */
export interface ConsoleSocketData {
  userId: string;
  /** The hash of the sign-in's cookie token (its database key and its room's name). */
  tokenHash: string;
}

export type ConsoleNamespace = Namespace<ConsoleClientToServer, ConsoleServerToClient, Record<string, never>, ConsoleSocketData>;
export type ConsoleSocket = Socket<ConsoleClientToServer, ConsoleServerToClient, Record<string, never>, ConsoleSocketData>;

/**
 * The console's namespace: opened from the console's own origin only (the visitor namespace is
 * cross-origin by design and checks its applications' origins itself), authenticated by the sign-in
 * cookie; joins its user's, its sign-in's and its applications' rooms.
 */
export function setupConsoleNamespace(
  nsp: ConsoleNamespace,
  deps: { auth: AuthService; access: ConsoleAccess; origins: ConsoleOriginGuard; cookieSecret: string; logger: Logger },
): void {
  const { auth, access, origins, cookieSecret, logger } = deps;
  nsp.use(async (socket, next) => {
    try {
      // A page of another origin (a sibling subdomain gets the SameSite=Lax cookie sent) is refused.
      if (!origins.allows(socket.request, { strict: false })) return next(handshakeError('E_FOREIGN_ORIGIN'));
      const token = readSessionTokenFromHeader(socket.handshake.headers.cookie, cookieSecret);
      const user = await auth.authenticate(token);
      if (!token || !user) return next(handshakeError('E_UNAUTHORIZED'));
      socket.data.userId = user.id;
      socket.data.tokenHash = hashToken(token);
      next();
    } catch (error) {
      logger.error({ err: error }, 'console handshake failed');
      next(handshakeError('E_UNAVAILABLE'));
    }
  });

  nsp.on('connection', async (socket) => {
    try {
      const user = await access.admit(socket);
      if (user) socket.emit('console:ready', { user: publicUser(user), appIds: user.appIds });
    } catch (error) {
      logger.error({ err: error }, 'console connection failed');
      socket.disconnect();
    }
  });
}
