import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { publicUser, type AuthService } from '../auth/auth-service.js';
import { readSessionTokenFromHeader } from '../auth/session-cookie.js';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../protocol/events.js';
import type { UserRecord } from '../storage/repositories.js';
import { handshakeError } from './handshake-error.js';

export interface ConsoleSocketData {
  user: UserRecord;
}

export type ConsoleNamespace = Namespace<ConsoleClientToServer, ConsoleServerToClient, Record<string, never>, ConsoleSocketData>;

/** Room that carries one application's live updates to its members. */
export const appRoom = (appId: string): string => `app:${appId}`;

/** The console's namespace: authenticated by the sign-in cookie; joins one room per member application. */
export function setupConsoleNamespace(nsp: ConsoleNamespace, auth: AuthService, cookieSecret: string, logger: Logger): void {
  nsp.use(async (socket, next) => {
    try {
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
