import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage, ChatState, ChatSyncResult } from '../../../server/src/protocol/chat-events.js';
import type { ErrorBody } from '../../../server/src/protocol/error-codes.js';
import { MAX_CHAT_MESSAGE_CHARS } from '../../../server/src/protocol/limits.js';
import type { VisitorSession } from '../../../server/src/protocol/events.js';
import type { ConnectionController, VisitorSocket } from '../connection-controller.js';

const SEND_TIMEOUT_MS = 10_000;
const SYNC_TIMEOUT_MS = 10_000;
const CONNECT_WAIT_MS = 10_000;
/** Refusals the server would give again to the same message: the visitor is told why and gets the text back. */
const REFUSED_FOR_GOOD = new Set(['E_MESSAGE_TOO_LONG', 'E_INVALID_PAYLOAD', 'E_RATE_LIMITED']);
const NOT_SENT = 'Your message was not sent. Check your connection and try again.';

/** A message the visitor sent that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  /** A send was tried and not confirmed (it is tried again with the next connection, or by Retry). */
  failed: boolean;
}

/** What became of a message: confirmed, waiting to be sent (in order, by itself), or refused for good. */
export type SendOutcome = 'sent' | 'queued' | 'refused';

export const newClientId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `w_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};

/**
 * The conversation's state in the widget: messages ordered by seq (never twice), AI replies being
 * streamed, the handoff state. The server is the truth: after every (re)connection the controller
 * asks for everything after the last seq it has (`chat:sync`).
 */
export class ChatController implements ReactiveController {
  messages: ChatMessage[] = [];
  /** The visitor's messages from earlier sessions. */
  earlier: ChatMessage[] = [];
  /** Streamed AI replies in progress: replyId → text so far. */
  drafts = new Map<string, string>();
  pending: PendingMessage[] = [];
  state: ChatState = 'ai';
  aiAvailable = true;
  /** A sentence for the visitor about the last failed action. */
  error: string | undefined;
  synced = false;
  private sessionId: string | undefined;
  private readonly subscribed = new WeakSet<object>();
  private unsubscribe: Array<() => void> = [];
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  /** Sends waiting for the connection; a refusal ends their wait at once (see hostUpdate). */
  private readonly waitingForConnection = new Set<() => void>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly connection: ConnectionController,
    private readonly onNewMessage: (message: ChatMessage) => void = () => {},
  ) {
    host.addController(this);
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  hostConnected(): void {
    // After every (re)connection the session is resumed on it first (the server forgets it with the old
    // connection); then what was missed is synced and the queued messages go, in order, same client ids.
    const resync = () => void this.sync().then(() => this.flush());
    this.unsubscribe = [
      this.connection.onReady((socket) => {
        this.listen(socket);
        resync();
      }),
      this.connection.onSession((session, { resumed }) => {
        if (session?.id !== this.sessionId || resumed) resync();
      }),
    ];
  }

  /** A refused connection is final: nothing waits to be sent, nothing stays pending (the notice says why). */
  hostUpdate(): void {
    if (this.connection.status !== 'refused') return;
    this.pending = [];
    for (const stop of this.waitingForConnection) stop();
  }

  hostDisconnected(): void {
    for (const stop of this.unsubscribe) stop();
  }

  private listen(socket: VisitorSocket): void {
    if (this.subscribed.has(socket)) return;
    this.subscribed.add(socket);
    socket.on('chat:message', ({ message, replyId }) => {
      if (replyId) this.drafts.delete(replyId);
      this.merge([message]);
    });
    socket.on('chat:stream-start', ({ sessionId, replyId }) => {
      if (sessionId !== this.sessionId || this.drafts.has(replyId)) return;
      this.drafts.set(replyId, ''); // typing shows from now, the text with its first token
      this.host.requestUpdate();
    });
    socket.on('chat:delta', ({ sessionId, replyId, text }) => {
      if (sessionId !== this.sessionId) return;
      this.drafts.set(replyId, (this.drafts.get(replyId) ?? '') + text);
      this.host.requestUpdate();
    });
    socket.on('chat:stream-end', ({ replyId }) => {
      this.drafts.delete(replyId);
      this.host.requestUpdate();
    });
    socket.on('chat:state', ({ sessionId, state, aiAvailable }) => {
      if (sessionId !== this.sessionId) return;
      this.state = state;
      this.aiAvailable = aiAvailable;
      this.host.requestUpdate();
    });
    // Replies streamed while the connection was down are lost in flight; the sync brings the final ones.
    socket.on('disconnect', () => {
      this.drafts.clear();
      this.host.requestUpdate();
    });
  }

  /** Asks the server for every message after the last one we have. */
  async sync(): Promise<void> {
    const socket = this.connection.socket;
    if (!socket || this.connection.status !== 'online') return;
    const sessionId = this.connection.session?.id;
    if (sessionId !== this.sessionId) {
      // Another session (a new one after the last ended): start from its first message.
      this.sessionId = sessionId;
      this.messages = [];
      this.drafts.clear();
    }
    const afterSeq = this.lastSeq;
    const response = (await socket
      .timeout(SYNC_TIMEOUT_MS)
      .emitWithAck('chat:sync', { afterSeq })
      .catch(() => null)) as { data: ChatSyncResult } | ErrorBody | null;
    if (!response || 'error' in response || response.data.sessionId !== (this.sessionId ?? '')) return;
    const { state, aiAvailable, messages, earlier } = response.data;
    this.state = state;
    this.aiAvailable = aiAvailable;
    if (afterSeq === 0) this.earlier = earlier;
    this.synced = true;
    this.merge(messages, { announce: false });
    this.host.requestUpdate();
  }

  /**
   * Sends the visitor's message, starting the session first when the chat begins with it. While the
   * server cannot be reached the message waits, shown as pending, and goes by itself once it can.
   */
  async send(text: string): Promise<SendOutcome> {
    const trimmed = text.trim();
    if (!trimmed) return 'refused';
    if (trimmed.length > MAX_CHAT_MESSAGE_CHARS) {
      this.fail(`Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters (this one has ${trimmed.length}).`);
      return 'refused';
    }
    if (this.connection.status === 'refused') return 'refused';
    const pending: PendingMessage = { clientId: newClientId(), text: trimmed, failed: false };
    this.pending = [...this.pending, pending];
    this.error = undefined;
    this.host.requestUpdate();
    await this.flush();
    if (this.pending.includes(pending)) return 'queued';
    return this.messages.some((message) => message.clientId === pending.clientId) ? 'sent' : 'refused';
  }

  /** Sends again with the same client id: the server stores it once whatever happened before. */
  retry(clientId: string): Promise<void> {
    const pending = this.pending.find((p) => p.clientId === clientId);
    if (pending) pending.failed = false;
    this.host.requestUpdate();
    return this.flush();
  }

  /**
   * Delivers the waiting messages one at a time, in the order typed; stops at the first that cannot go
   * now (the ones after it wait for it). A call while it runs makes it go round once more.
   */
  private flush(): Promise<void> {
    this.flushAgain = !!this.flushing;
    this.flushing ??= (async () => {
      do {
        this.flushAgain = false;
        for (let next = this.pending[0]; next; next = this.pending[0]) {
          if ((await this.deliver(next)) === 'queued') break;
        }
      } while (this.flushAgain && this.pending.length > 0);
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Resolves once the connection is online, refused, or the wait is over: a message typed while connecting still goes. */
  private online(): Promise<void> {
    if (this.connection.status === 'online' || this.connection.status === 'refused') return Promise.resolve();
    void this.connection.connect();
    return new Promise((resolve) => {
      let stop: (() => unknown) | undefined;
      const done = () => {
        clearTimeout(timer);
        stop?.();
        this.waitingForConnection.delete(done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      stop = this.connection.onReady(done);
      this.waitingForConnection.add(done);
    });
  }

  private async deliver(pending: PendingMessage): Promise<SendOutcome> {
    await this.online();
    if (this.connection.status === 'refused') {
      this.pending = [];
      return 'refused';
    }
    const session = await this.boundSession();
    const socket = this.connection.socket;
    if (!socket || !session) return this.hold(pending, this.connection.status === 'online');
    if (session.id !== this.sessionId) await this.sync();
    const response = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('chat:send', { text: pending.text, clientId: pending.clientId }).catch(() => null);
    if (response && 'data' in response) {
      this.pending = this.pending.filter((p) => p !== pending);
      if (this.error === NOT_SENT) this.error = undefined;
      this.merge([response.data.message], { announce: false });
      return 'sent';
    }
    if (response && 'error' in response && REFUSED_FOR_GOOD.has(response.error.code)) {
      // Refused for a reason the visitor can act on (too long, too fast): drop it, say why.
      this.pending = this.pending.filter((p) => p !== pending);
      this.fail(response.error.message);
      return 'refused';
    }
    return this.hold(pending, true);
  }

  /**
   * The session, started or resumed on this connection first when it is not yet: the server forgets it
   * with the old connection, and refuses a command sent before the resume.
   */
  private async boundSession(): Promise<VisitorSession | null> {
    if (this.connection.sessionBound) return this.connection.session;
    const session = await this.connection.ensureSession();
    return this.connection.sessionBound ? session : null;
  }

  /** Keeps a message waiting. `failed`: a send was tried (timed out, or the server could not take it). */
  private hold(pending: PendingMessage, failed: boolean): SendOutcome {
    pending.failed = failed;
    if (failed) this.fail(NOT_SENT);
    else this.host.requestUpdate();
    return 'queued';
  }

  /** The visitor asks for a person. */
  async requestHuman(): Promise<void> {
    await this.online();
    const session = await this.boundSession();
    const socket = this.connection.socket;
    if (!socket || !session) return this.fail('Cannot reach the chat server. Try again in a moment.');
    if (session.id !== this.sessionId) await this.sync();
    const response = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('chat:human').catch(() => null);
    if (!response || 'error' in response) return this.fail(response?.error.message ?? 'Could not reach the team. Try again.');
    this.state = response.data.state;
    this.host.requestUpdate();
  }

  private fail(message: string): void {
    this.error = message;
    this.host.requestUpdate();
  }

  /** Adds messages by seq; one already held (same id) is never shown twice. */
  private merge(incoming: ChatMessage[], { announce = true } = {}): void {
    const known = new Set(this.messages.map((message) => message.id));
    const fresh = incoming.filter((message) => !known.has(message.id) && (!this.sessionId || message.sessionId === this.sessionId));
    if (fresh.length === 0) return;
    this.messages = [...this.messages, ...fresh].sort((a, b) => a.seq - b.seq);
    const confirmed = new Set(fresh.map((message) => message.clientId));
    this.pending = this.pending.filter((p) => !confirmed.has(p.clientId));
    for (const message of fresh) if (announce || message.role !== 'visitor') this.onNewMessage(message);
    this.host.requestUpdate();
  }
}
