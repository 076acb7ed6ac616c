import type { AuthService } from '../auth/auth-service.js';
import { AppError } from '../http/app-error.js';
import type { AccessEndedReason } from '../protocol/events.js';
import { MEMBERSHIP_SYNC_MAX_ROUNDS } from '../protocol/limits.js';
import type { Repositories, UserRecord } from '../storage/ports.js';
import type { ConsoleNamespace, ConsoleSocket } from './console-namespace.js';
import { appOfRoom, appRoom, signInRoom, userRoom } from './console-rooms.js';

/**
 * Access to live console data ends the moment it is taken away, on every node: a console socket is in
 * the rooms of its user and of its sign-in, and every change is carried by room operations
 * (`in(room).disconnectSockets()`, `socketsJoin()`, RemoteSocket `leave()`) that a Socket.IO adapter
 * delivers to whichever node holds the socket. Nothing is decided from what a socket was told at its
 * handshake: each command and subscription reads the sign-in and the user from the database.
 *
 * Subscriptions are checked, joined, then checked again. A change writes the database first and then
 * moves the rooms, so a join that the change's room sweep missed happened after that write, and the
 * check after the join sees it.
 */
export interface ConsoleAccess {
  /** A new console socket: joins its user, sign-in and application rooms; null (and ended) when access ended meanwhile. */
  admit(socket: ConsoleSocket): Promise<UserRecord | null>;
  /** The socket's user as the database has it now; E_UNAUTHORIZED (and the socket is ended) when signed out or removed. */
  currentUser(socket: ConsoleSocket): Promise<UserRecord>;
  /** Joins an application's room (a conversation, a watched session) and confirms membership after joining. */
  joinWhileMember(socket: ConsoleSocket, appId: string, room: string): Promise<void>;
  /** After a user's memberships changed in the database: their sockets leave what was taken and join what was given. */
  membershipsChanged(userId: string): Promise<void>;
  /** After a role change, an account's removal or a sign-out: every socket concerned is told why and disconnected. */
  ended(reason: AccessEndedReason, who: { userId: string } | { tokenHash: string }): Promise<void>;
}

/** setTimeout's longest delay (2^31 - 1 ms, ~24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createConsoleAccess(nsp: ConsoleNamespace, auth: AuthService, repos: Repositories): ConsoleAccess {
  const endSockets = (room: string, reason: AccessEndedReason) => {
    // Same connection, same order: the reason arrives before the disconnect.
    nsp.in(room).emit('console:access-ended', { reason });
    nsp.in(room).disconnectSockets();
  };

  /** Leaves every application room of `socket` whose application is not in `appIds`. */
  const leaveOthers = (socket: { rooms: Set<string>; leave(room: string): unknown }, appIds: string[]) => {
    for (const room of [...socket.rooms]) {
      const appId = appOfRoom(room);
      if (appId !== undefined && !appIds.includes(appId)) socket.leave(room);
    }
  };

  /**
   * A console only listening (a watched session, a conversation) sends no command that would find its
   * sign-in expired: the node holding the socket ends it when the sign-in expires. Checked again when
   * the timer fires (a timer is capped; a sign-in ended otherwise was ended by that path already).
   */
  async function endAtExpiry(socket: ConsoleSocket): Promise<void> {
    const endsInMs = await auth.signInEndsIn(socket.data.tokenHash);
    if (endsInMs === null) {
      socket.emit('console:access-ended', { reason: 'expired' });
      socket.disconnect(true);
      return;
    }
    const timer = setTimeout(() => void endAtExpiry(socket).catch(() => socket.disconnect(true)), Math.min(endsInMs, MAX_TIMER_MS));
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  const access: ConsoleAccess = {
    async admit(socket) {
      const { userId, tokenHash } = socket.data;
      await socket.join([userRoom(userId), signInRoom(tokenHash)]);
      const user = await auth.authenticateHash(tokenHash);
      if (!user) {
        socket.disconnect();
        return null;
      }
      await socket.join(user.appIds.map(appRoom));
      // Rooms joined from a read that a membership change may have overtaken: check them once more.
      const latest = await auth.authenticateHash(tokenHash);
      if (!latest) {
        socket.disconnect();
        return null;
      }
      leaveOthers(socket, latest.appIds);
      await endAtExpiry(socket);
      return socket.connected ? latest : null;
    },

    async currentUser(socket) {
      const user = await auth.authenticateHash(socket.data.tokenHash);
      if (user && user.id === socket.data.userId) return user;
      // The caller answers the command first; the socket is ended right after.
      setImmediate(() => socket.disconnect());
      throw new AppError('E_UNAUTHORIZED');
    },

    async joinWhileMember(socket, appId, room) {
      await socket.join(room);
      try {
        if ((await access.currentUser(socket)).appIds.includes(appId)) return;
        throw new AppError('E_NOT_FOUND');
      } catch (error) {
        await socket.leave(room);
        throw error;
      }
    },

    async membershipsChanged(userId) {
      let user = await repos.users.findById(userId);
      for (let round = 0; user && round < MEMBERSHIP_SYNC_MAX_ROUNDS; round++) {
        const { appIds } = user;
        for (const socket of await nsp.in(userRoom(userId)).fetchSockets()) leaveOthers(socket, appIds);
        nsp.in(userRoom(userId)).socketsJoin(appIds.map(appRoom));
        // Another change may have been written while the rooms moved (two owners at once): the
        // database has the last word, so go again until what was applied is what it holds.
        user = await repos.users.findById(userId);
        if (user && sameApps(user.appIds, appIds)) break;
      }
      if (!user) return access.ended('removed', { userId });
      nsp.in(userRoom(userId)).emit('console:apps', { appIds: user.appIds });
    },

    async ended(reason, who) {
      endSockets('userId' in who ? userRoom(who.userId) : signInRoom(who.tokenHash), reason);
    },
  };
  return access;
}

const sameApps = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
