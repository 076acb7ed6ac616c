import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage, ChatState, ChatSyncResult } from '../../../server/src/protocol/chat-events.js';
import type { ErrorBody } from '../../../server/src/protocol/error-codes.js';
import { MAX_CHAT_MESSAGE_CHARS } from '../../../server/src/protocol/limits.js';
import type { ConnectionController, VisitorSocket } from '../connection-controller.js';

const SEND_TIMEOUT_MS = 10_000;
const SYNC_TIMEOUT_MS = 10_000;
const CONNECT_WAIT_MS = 10_000;

/** A message the visitor sent that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  failed: boolean;
}

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
    this.unsubscribe = [
      this.connection.onReady((socket) => {
        this.listen(socket);
        // Resync what was missed, then send again what failed (same client ids: stored once).
        void this.sync().then(() => {
          for (const pending of this.pending.filter((p) => p.failed)) void this.retry(pending.clientId);
        });
      }),
      this.connection.onSession((session) => {
        if (session?.id !== this.sessionId) void this.sync();
      }),
    ];
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

  /** Sends the visitor's message, starting the session first when the chat begins with it. */
  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (!trimmed) return false;
    if (trimmed.length > MAX_CHAT_MESSAGE_CHARS) {
      this.fail(`Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters (this one has ${trimmed.length}).`);
      return false;
    }
    const pending: PendingMessage = { clientId: newClientId(), text: trimmed, failed: false };
    this.pending = [...this.pending, pending];
    this.error = undefined;
    this.host.requestUpdate();
    return this.deliver(pending);
  }

  /** Sends again with the same client id: the server stores it once whatever happened before. */
  retry(clientId: string): Promise<boolean> {
    const pending = this.pending.find((p) => p.clientId === clientId);
    if (!pending) return Promise.resolve(false);
    pending.failed = false;
    this.host.requestUpdate();
    return this.deliver(pending);
  }

  /** Resolves once the connection is online (or the wait is over): a message typed while connecting still goes. */
  private online(): Promise<void> {
    if (this.connection.status === 'online') return Promise.resolve();
    void this.connection.connect();
    return new Promise((resolve) => {
      let stop: (() => unknown) | undefined;
      const done = () => {
        clearTimeout(timer);
        stop?.();
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      stop = this.connection.onReady(done);
    });
  }

  private async deliver(pending: PendingMessage): Promise<boolean> {
    await this.online();
    const session = this.connection.session ?? (await this.connection.ensureSession());
    const socket = this.connection.socket;
    if (session && session.id !== this.sessionId) await this.sync();
    const response = socket && session
      ? await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('chat:send', { text: pending.text, clientId: pending.clientId }).catch(() => null)
      : null;
    if (response && 'data' in response) {
      this.pending = this.pending.filter((p) => p !== pending);
      this.merge([response.data.message], { announce: false });
      return true;
    }
    if (response && 'error' in response && response.error.code !== 'E_INTERNAL') {
      // Refused for a reason the visitor can act on (too long, too fast): drop it, say why.
      this.pending = this.pending.filter((p) => p !== pending);
      this.fail(response.error.message);
      return false;
    }
    pending.failed = true;
    this.fail('Your message was not sent. Check your connection and try again.');
    return false;
  }

  /** The visitor asks for a person. */
  async requestHuman(): Promise<void> {
    await this.online();
    const session = this.connection.session ?? (await this.connection.ensureSession());
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
