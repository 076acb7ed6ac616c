import { io, type Socket } from 'socket.io-client';
import type { VisitorClientToServer, VisitorServerToClient } from '../protocol/events.js';

export type VisitorTestSocket = Socket<VisitorServerToClient, VisitorClientToServer>;

/** A real socket.io-client connection to the visitor namespace, as the widget makes it. */
export function connectVisitor(
  baseUrl: string,
  auth: { key: string; visitorId?: string; visitorToken?: string; consent?: boolean; privacySignal?: boolean },
  origin: string = baseUrl,
): VisitorTestSocket {
  return io(`${baseUrl}/visitor`, {
    auth,
    transports: ['websocket'],
    extraHeaders: { origin },
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves with the handshake outcome: `ready` payload, or the refusal's `{ code, message }`. */
export function handshake(socket: VisitorTestSocket) {
  return new Promise<
    { ok: true; ready: Parameters<VisitorServerToClient['widget:ready']>[0] } | { ok: false; error: { code: string; message: string } }
  >((resolve) => {
    socket.once('widget:ready', (ready) => resolve({ ok: true, ready }));
    socket.once('connect_error', (error: Error & { data?: { code: string; message: string } }) =>
      resolve({ ok: false, error: error.data ?? { code: 'E_NETWORK', message: error.message } }),
    );
  });
}

/** Emits a command and resolves with its acknowledgement. */
export function command<T = unknown>(socket: VisitorTestSocket, event: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)(event, ...args, resolve));
}

export interface StartedVisitor {
  socket: VisitorTestSocket;
  ready: Parameters<VisitorServerToClient['widget:ready']>[0];
  sessionId: string;
}

/** Connects from `origin`, waits for `widget:ready` and starts (or resumes) the visitor's session. */
export async function startVisitorSession(
  baseUrl: string,
  auth: { key: string; visitorId?: string; visitorToken?: string; consent?: boolean; privacySignal?: boolean },
  origin: string,
  url = `${origin}/`,
): Promise<StartedVisitor> {
  const socket = connectVisitor(baseUrl, auth, origin);
  const outcome = await handshake(socket);
  if (!outcome.ok) throw new Error(`handshake refused: ${outcome.error.code}`);
  const started = await command<any>(socket, 'session:start', { url, viewport: { width: 800, height: 600 } });
  if (!started.data) throw new Error(`session:start refused: ${started.error?.code}`);
  return { socket, ready: outcome.ready, sessionId: started.data.session.id };
}
