import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { publicUser, type AuthService } from '../auth/auth-service.js';
import { readSessionTokenFromHeader } from '../auth/session-cookie.js';
import type { ConsoleOriginGuard } from '../http/console-origin.js';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import type { UserRecord } from '../storage/repositories.js';
import { handshakeError } from './handshake-error.js';

export interface ConsoleSocketData {
  user: UserRecord;
}

export type ConsoleNamespace = Namespace<ConsoleClientToServer, ConsoleServerToClient, Record<string, never>, ConsoleSocketData>;

/** Room that carries one application's live updates to its members. */
export const appRoom = (appId: string): string => `app:${appId}`;

/**
 * The console's namespace: opened from the console's own origin only (the visitor namespace is
 * cross-origin by design and checks its applications' origins itself), authenticated by the sign-in
 * cookie; joins one room per member application.
 */
export function setupConsoleNamespace(
  nsp: ConsoleNamespace,
  deps: { auth: AuthService; origins: ConsoleOriginGuard; cookieSecret: string; logger: Logger },
): void {
  const { auth, origins, cookieSecret, logger } = deps;
  nsp.use(async (socket, next) => {
    try {
      // A page of another origin (a sibling subdomain gets the SameSite=Lax cookie sent) is refused.
      if (!origins.allows(socket.request, { strict: false })) return next(handshakeError('E_FOREIGN_ORIGIN'));
      const token = readSessionTokenFromHeader(socket.handshake.headers.cookie, cookieSecret);
      const user = await auth.authenticate(token);
      if (!user) return next(handshakeError('E_UNAUTHORIZED'));
      socket.data.user = user;
      next();
    } catch (error) {
      logger.error({ err: error }, 'console handshake failed');
      next(handshakeError('E_UNAVAILABLE'));
    }
  });

  nsp.on('connection', async (socket) => {
    const { user } = socket.data;
    await socket.join(user.appIds.map(appRoom));
    socket.emit('console:ready', { user: publicUser(user), appIds: user.appIds });
  });
}
