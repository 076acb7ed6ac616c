import { io, type Socket } from 'socket.io-client';
import type { AccessEndedReason, ConsoleClientToServer, ConsoleServerToClient } from '../../../server/src/protocol/events.js';

export type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;

let shared: ConsoleSocket | undefined;
const endedListeners = new Set<(reason: AccessEndedReason) => void>();
const appsListeners = new Set<(appIds: string[]) => void>();

/**
 * The console's one Socket.IO connection (namespace /console, authenticated by the sign-in cookie).
 * Views subscribe to it; it is opened on first use and reconnects by itself after a network loss.
 * When the server ends it (sign-out, account removed, role changed) it stays closed: `onAccessEnded`
 * listeners decide what the page does next.
 */
export function consoleSocket(): ConsoleSocket {
  if (shared) return shared;
  const socket: ConsoleSocket = io('/console', { withCredentials: true, transports: ['websocket', 'polling'] });
  let told: AccessEndedReason | undefined;
  socket.on('console:access-ended', ({ reason }) => (told = reason));
  socket.on('disconnect', (why) => {
    if (why !== 'io server disconnect') return;
    const reason = told ?? 'signed-out';
    told = undefined;
    for (const listener of endedListeners) listener(reason);
  });
  // Refused when (re)connecting: the sign-in ended while the connection was away.
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    if (error.data?.code === 'E_UNAUTHORIZED') for (const listener of endedListeners) listener('signed-out');
  });
  socket.on('console:apps', ({ appIds }) => {
    for (const listener of appsListeners) listener(appIds);
  });
  return (shared = socket);
}

/** Closes the connection (sign-out); the next consoleSocket() opens a fresh one. */
export function closeConsoleSocket(): void {
  shared?.close();
  shared = undefined;
}

/** Told when the server ended this console's access; returns the unsubscribe. */
export function onAccessEnded(listener: (reason: AccessEndedReason) => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

/** Told when the user's applications changed (one given or taken away); returns the unsubscribe. */
export function onAppsChanged(listener: (appIds: string[]) => void): () => void {
  appsListeners.add(listener);
  return () => appsListeners.delete(listener);
}
