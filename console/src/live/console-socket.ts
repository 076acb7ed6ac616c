import { io, type Socket } from 'socket.io-client';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../../../server/src/protocol/events.js';

export type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;

let shared: ConsoleSocket | undefined;

/**
 * The console's one Socket.IO connection (namespace /console, authenticated by the sign-in cookie).
 * Views subscribe to it; it is opened on first use and reconnects by itself.
 */
export function consoleSocket(): ConsoleSocket {
  shared ??= io('/console', { withCredentials: true, transports: ['websocket', 'polling'] });
  return shared;
}

/** Closes the connection (sign-out); the next consoleSocket() opens a fresh one. */
export function closeConsoleSocket(): void {
  shared?.close();
  shared = undefined;
}
