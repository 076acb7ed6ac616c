import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Socket } from 'socket.io-client';
import type {
  HandshakeErrorData,
  VisitorClientToServer,
  VisitorServerToClient,
  VisitorSession,
  WidgetSettings,
} from '../../server/src/protocol/events.js';
import type { VisitorIdentity } from '../../server/src/protocol/chat-schemas.js';
import { retryAfterMs } from './retry-hint.js';
import { ACTIVE_SESSION_STORAGE_KEY, hasSessionUnderWay } from './session-under-way.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'refused';
export type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>;

const VISITOR_ID_STORAGE_KEY = 'chatreel:visitor-id';
/** The secret the server gave with the id: without it, the id is a stranger's and resumes nothing. */
const VISITOR_TOKEN_STORAGE_KEY = 'chatreel:visitor-token';
/** A rate-limited handshake is tried again no sooner than this, whatever the server's hint. */
const RATE_LIMITED_MIN_RETRY_MS = 1_000;

export type SessionListener = (session: VisitorSession | null, info: { resumed: boolean }) => void;

/**
 * Owns the widget's one Socket.IO connection and the visitor's session. socket.io-client is
 * imported lazily, so the first script a page loads holds only the launcher.
 *
 * Other controllers (chat, recorder) use `socket` and subscribe with `onSession`.
 */
export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = 'idle';
  error: HandshakeErrorData | undefined;
  settings: WidgetSettings | undefined;
  socket: VisitorSocket | undefined;
  visitorId: string | undefined;
  visitorToken: string | undefined;
  session: VisitorSession | null = null;
  private readonly sessionListeners = new Set<SessionListener>();
  private readonly readyListeners = new Set<(socket: VisitorSocket) => void>();
  private sessionRequest: Promise<VisitorSession | null> | undefined;
  /** The connection (socket id) the session was last started or resumed on: the server knows it only there. */
  private sessionConnection: string | undefined;
  /** What the host page passed to `identify`; sent in every handshake and verified by the server. */
  identity: VisitorIdentity | undefined;
  /** The site's word on recording (`Chatreel.consent`, `data-consent`); undefined: it said nothing. */
  consent: boolean | undefined;

  constructor(private readonly host: ReactiveControllerHost & { key: string; server: string }) {
    host.addController(this);
  }

  /**
   * True when the server holds the session on the current connection, so commands about it may be sent.
   * After a reconnection (a server restart, a lost network) it is false until `ensureSession` resumes it.
   */
  get sessionBound(): boolean {
    return !!this.session && !!this.socket?.connected && this.sessionConnection === this.socket.id;
  }

  /** True when the previous page left a session under way: connect and resume without waiting for a click. */
  static hasSessionUnderWay(): boolean {
    return hasSessionUnderWay();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.socket?.disconnect();
    this.socket = undefined;
    this.status = 'idle';
  }

  /** Called on every (re)connection once the server said `widget:ready`. */
  onReady(listener: (socket: VisitorSocket) => void): () => void {
    this.readyListeners.add(listener);
    if (this.socket && this.status === 'online') listener(this.socket);
    return () => this.readyListeners.delete(listener);
  }

  onSession(listener: SessionListener): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /**
   * Opens the one socket. Concurrent calls (the launcher's click while the page's own call waits for
   * socket.io-client) share one attempt: two sockets would each get a visitor id, and the session could
   * end up filed under the one the next page does not know.
   */
  connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private connecting: Promise<void> | undefined;

  private async open(): Promise<void> {
    if (this.socket || !this.host.key) return;
    this.setStatus('connecting');
    let io: typeof import('./socket-io.js').io;
    try {
      ({ io } = await import('./socket-io.js'));
    } catch {
      // The chunk could not be fetched: the server is unreachable. Opening again retries.
      this.setStatus('offline');
      return;
    }
    const socket: VisitorSocket = io(`${this.host.server}/visitor`, {
      // A function, so every reconnection sends the visitor id the server gave on the first connection
      // (an object would be sent as it was at the start: without it, and the visitor's session lost).
      auth: (send) => {
        const stored = readStorage(VISITOR_ID_STORAGE_KEY);
        send({
          key: this.host.key,
          visitorId: stored ?? this.visitorId,
          visitorToken: stored ? readStorage(VISITOR_TOKEN_STORAGE_KEY) : this.visitorToken,
          ...(this.identity ? { identity: this.identity } : {}),
          ...(this.consent === undefined ? {} : { consent: this.consent }),
          privacySignal: privacySignal(),
        });
      },
      // Websocket only, as the server's cluster setup wants (no stickiness needed). The bundle carries no
      // other transport (scripts/websocket-only-transports.mjs); 'polling' here was never tried anyway:
      // engine.io-client falls back to the next transport only with `tryAllTransports`.
      transports: ['websocket'],
    });
    this.socket = socket;
    socket.on('widget:ready', ({ visitorId, visitorToken, settings, session }) => {
      this.visitorId = visitorId;
      this.visitorToken = visitorToken;
      // A verified user's id (it has a '.') comes from `identify` on each page, never from storage.
      if (!visitorId.includes('.')) {
        writeStorage(VISITOR_ID_STORAGE_KEY, visitorId);
        writeStorage(VISITOR_TOKEN_STORAGE_KEY, visitorToken);
      }
      this.settings = settings;
      this.error = undefined;
      this.setStatus('online');
      for (const listener of this.readyListeners) listener(socket);
      // A session under way continues on this page (navigation, reload, reconnect).
      if (session?.status === 'active' && (this.session || ConnectionController.hasSessionUnderWay())) {
        void this.ensureSession();
      } else if (!session) {
        this.setSession(null, false);
      }
    });
    socket.on('session:ended', ({ sessionId }) => {
      if (this.session?.id === sessionId) this.setSession(null, false);
    });
    socket.on('disconnect', () => this.setStatus('offline'));
    socket.on('connect_error', (error: Error & { data?: HandshakeErrorData }) => {
      // Too many connections from this address: not a refusal, a pause (socket.io-client does not
      // retry after a middleware's error by itself).
      if (error.data?.code === 'E_RATE_LIMITED') {
        this.setStatus('offline');
        const delay = Math.max(retryAfterMs(error.data.details), RATE_LIMITED_MIN_RETRY_MS) * (1 + Math.random() / 2);
        setTimeout(() => this.socket === socket && !socket.connected && socket.connect(), delay);
        return;
      }
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

  /**
   * Starts the visitor's session, or resumes the active one as a new page of it. Safe to call
   * repeatedly; concurrent calls share one request.
   */
  ensureSession(): Promise<VisitorSession | null> {
    const socket = this.socket;
    if (!socket || this.status !== 'online') return Promise.resolve(this.session);
    this.sessionRequest ??= socket
      .timeout(10_000)
      .emitWithAck('session:start', { url: location.href, viewport: { width: innerWidth, height: innerHeight } })
      .then((response) => {
        if ('error' in response) return this.session;
        this.sessionConnection = socket.id;
        this.setSession(response.data.session, response.data.resumed);
        return response.data.session;
      })
      .catch(() => this.session)
      .finally(() => (this.sessionRequest = undefined));
    return this.sessionRequest;
  }

  /**
   * Whether this page may be recorded (issue 22): never when the application respects the browser's
   * privacy signal and it is sent; with consent mode only after the site gave consent; otherwise
   * unless the site revoked it. The server checks the same before it stores anything.
   */
  get mayRecord(): boolean {
    const rules = this.settings?.consent;
    if (rules?.respectPrivacySignals && privacySignal()) return false;
    return rules?.required ? this.consent === true : this.consent !== false;
  }

  /** Records the site's word and tells the server on this connection (the next handshake carries it too). */
  async declareConsent(consent: boolean): Promise<void> {
    this.consent = consent;
    this.host.requestUpdate();
    await this.socket?.timeout(10_000).emitWithAck('consent:set', { consent }).catch(() => undefined);
  }

  /** Closes the connection and opens a new one (a new identity takes effect in the handshake). */
  async reconnect(): Promise<void> {
    this.socket?.disconnect();
    this.socket = undefined;
    this.session = null;
    this.setStatus('idle');
    await this.connect();
  }

  /** Forgets the visitor on this browser (the host page's user logged out): a new anonymous visitor. */
  forgetVisitor(): void {
    removeStorage(VISITOR_ID_STORAGE_KEY);
    removeStorage(VISITOR_TOKEN_STORAGE_KEY);
    removeStorage(ACTIVE_SESSION_STORAGE_KEY);
    this.visitorId = undefined;
    this.visitorToken = undefined;
  }

  /** Ends the session (the visitor closed the conversation). */
  async endSession(): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.session) return;
    await socket.timeout(10_000).emitWithAck('session:end').catch(() => undefined);
    this.setSession(null, false);
  }

  private setSession(session: VisitorSession | null, resumed: boolean): void {
    const changed = this.session?.id !== session?.id || resumed;
    this.session = session;
    if (session) writeStorage(ACTIVE_SESSION_STORAGE_KEY, session.id);
    else removeStorage(ACTIVE_SESSION_STORAGE_KEY);
    if (changed) for (const listener of this.sessionListeners) listener(session, { resumed });
    this.host.requestUpdate();
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}

/** Global Privacy Control, or Do Not Track: the visitor's browser asks not to be tracked. */
function privacySignal(): boolean {
  return (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true || navigator.doNotTrack === '1';
}

// Storage can be blocked (privacy modes, sandboxed frames): the widget then works for this page only.
function readStorage(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}
function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* ignored: see above */
  }
}
function removeStorage(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* ignored: see above */
  }
}
