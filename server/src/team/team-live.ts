import { appRoom, type ConsoleNamespace } from '../realtime/console-namespace.js';

/**
 * Keeps a user's open console sockets in step with their memberships: rooms of applications taken
 * away are left at once (no more live events from them); a removed user is disconnected.
 * fetchSockets() works across nodes once an adapter is configured.
 */
export function membershipFollower(nsp: ConsoleNamespace) {
  return async (userId: string, appIds: string[] | null): Promise<void> => {
    const sockets = (await nsp.fetchSockets()).filter((socket) => socket.data.user?.id === userId);
    for (const socket of sockets) {
      if (appIds === null) {
        socket.disconnect(true);
        continue;
      }
      const wanted = new Set(appIds.map(appRoom));
      const leave = [...socket.rooms].filter((room) => room.startsWith('app:') && !wanted.has(room));
      for (const room of leave) socket.leave(room);
      socket.join([...wanted]);
      socket.data.user = { ...socket.data.user, appIds };
    }
  };
}
