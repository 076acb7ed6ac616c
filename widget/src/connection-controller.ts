import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Socket } from 'socket.io-client';
import type { HandshakeErrorData, VisitorClientToServer, VisitorServerToClient, WidgetSettings } from '../../server/src/protocol/events.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'refused';

const VISITOR_ID_STORAGE_KEY = 'chatreel:visitor-id';

/**
 * Owns the widget's Socket.IO connection. socket.io-client is imported lazily, so the first script a
 * page loads holds only the launcher.
 */
export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = 'idle';
  error: HandshakeErrorData | undefined;
  settings: WidgetSettings | undefined;
  socket: Socket<VisitorServerToClient, VisitorClientToServer> | undefined;

  constructor(private readonly host: ReactiveControllerHost & { key: string; server: string }) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.socket?.disconnect();
    this.socket = undefined;
    this.status = 'idle';
  }

  async connect(): Promise<void> {
    if (this.socket || !this.host.key) return;
    this.setStatus('connecting');
    let io: typeof import('socket.io-client').io;
    try {
      ({ io } = await import('socket.io-client'));
    } catch {
      // The chunk could not be fetched: the server is unreachable. Opening again retries.
      this.setStatus('offline');
      return;
    }
    const socket: Socket<VisitorServerToClient, VisitorClientToServer> = io(`${this.host.server}/visitor`, {
      auth: { key: this.host.key, visitorId: readVisitorId() },
      transports: ['websocket', 'polling'],
    });
    this.socket = socket;
    socket.on('widget:ready', ({ visitorId, settings }) => {
      storeVisitorId(visitorId);
      this.settings = settings;
      this.error = undefined;
      this.setStatus('online');
    });
    socket.on('disconnect', () => this.setStatus('offline'));
    socket.on('connect_error', (error: Error & { data?: HandshakeErrorData }) => {
      // A refusal by the server is final; a network failure is retried by socket.io-client.
      if (error.data?.code) {
        this.error = error.data;
        this.setStatus('refused');
        socket.disconnect();
      } else {
        this.setStatus('offline');
      }
    });
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}

function readVisitorId(): string | undefined {
  try {
    return localStorage.getItem(VISITOR_ID_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked (privacy mode, sandboxed iframe)
  }
}

function storeVisitorId(id: string): void {
  try {
    localStorage.setItem(VISITOR_ID_STORAGE_KEY, id);
  } catch {
    // nothing to do: the visitor gets a new id next time
  }
}
