import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatAvailability, ConversationRating } from '../../../server/src/protocol/feedback.js';
import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS } from '../../../server/src/protocol/limits.js';
import type { ConnectionController, VisitorSocket } from '../connection-controller.js';
import type { ChatController } from './chat-controller.js';

const ACK_TIMEOUT_MS = 10_000;

/**
 * The chat's extras (issue 18): typing indicators both ways, the email asked for when nobody can
 * answer, and the rating after the visitor ends the chat. The server is the truth for each; this
 * only asks and shows.
 */
export class FeedbackController implements ReactiveController {
  /** An agent is typing in this conversation (until they stop, send, or TYPING_EXPIRY_MS pass). */
  agentTyping = false;
  /** What the server said about answering now, for the current session (null until asked). */
  availability: ChatAvailability | null = null;
  /** The chat the visitor ended and may rate (its session id), with the rating once given. */
  ended: { sessionId: string; rating: ConversationRating | null } | null = null;
  error: string | undefined;
  private readonly subscribed = new WeakSet<object>();
  private askedFor: string | undefined;
  private typingSentAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  private agentTypingExpiry: ReturnType<typeof setTimeout> | undefined;
  private stop: Array<() => void> = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly connection: ConnectionController,
    private readonly chat: ChatController,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.stop = [this.connection.onReady((socket) => this.listen(socket)), this.connection.onSession(() => (this.availability = null))];
  }

  hostDisconnected(): void {
    for (const stop of this.stop) stop();
    clearTimeout(this.typingIdle);
    clearTimeout(this.agentTypingExpiry);
  }

  /** Nobody can answer now when the chat waits for a person (or the AI is off) — then ask who is online, once per session. */
  hostUpdated(): void {
    const sessionId = this.connection.session?.id;
    const waiting = this.chat.state === 'waiting' || (!this.chat.aiAvailable && this.chat.messages.some((m) => m.role === 'visitor'));
    if (!sessionId || !waiting || this.connection.status !== 'online' || this.askedFor === sessionId) return;
    this.askedFor = sessionId;
    void this.request<ChatAvailability>('chat:availability').then((availability) => {
      if (availability && this.connection.session?.id === sessionId) this.availability = availability;
      this.host.requestUpdate();
    });
  }

  /** The email form shows while nobody can answer and no email was left. */
  get asksForEmail(): boolean {
    return !!this.availability && !this.availability.agentsOnline && !this.availability.contactEmail && this.chat.state !== 'human';
  }

  private listen(socket: VisitorSocket): void {
    if (this.subscribed.has(socket)) return;
    this.subscribed.add(socket);
    socket.on('chat:typing', ({ sessionId, typing }) => {
      if (sessionId !== this.connection.session?.id) return;
      this.showAgentTyping(typing);
    });
    socket.on('chat:message', ({ message }) => {
      if (message.role === 'agent') this.showAgentTyping(false);
    });
  }

  private showAgentTyping(typing: boolean): void {
    clearTimeout(this.agentTypingExpiry);
    this.agentTyping = typing;
    // A "stopped" lost with a closing tab must not leave the dots for good.
    if (typing) this.agentTypingExpiry = setTimeout(() => this.showAgentTyping(false), TYPING_EXPIRY_MS);
    this.host.requestUpdate();
  }

  /** The visitor typed: said at most once per TYPING_THROTTLE_MS, and "stopped" after a pause. */
  typed(): void {
    const socket = this.connection.socket;
    if (!socket?.connected || !this.connection.sessionBound) return;
    const now = Date.now();
    if (now - this.typingSentAt >= TYPING_THROTTLE_MS) {
      this.typingSentAt = now;
      socket.emit('chat:typing', { typing: true });
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stoppedTyping(), TYPING_THROTTLE_MS * 2);
  }

  stoppedTyping(): void {
    clearTimeout(this.typingIdle);
    if (!this.typingSentAt) return;
    this.typingSentAt = 0;
    if (this.connection.socket?.connected) this.connection.socket.emit('chat:typing', { typing: false });
  }

  async leaveEmail(email: string): Promise<boolean> {
    const sessionId = this.connection.session?.id;
    if (!sessionId) return false;
    const saved = await this.request<{ contactEmail: string }>('chat:contact', { sessionId, email });
    if (saved && this.availability) this.availability = { ...this.availability, contactEmail: saved.contactEmail };
    this.host.requestUpdate();
    return !!saved;
  }

  /** Ends the chat; the rating step follows. */
  async endChat(): Promise<void> {
    const sessionId = this.connection.session?.id;
    if (!sessionId) return;
    this.stoppedTyping();
    await this.connection.endSession();
    this.ended = { sessionId, rating: null };
    this.host.requestUpdate();
  }

  async rate(score: number, comment: string): Promise<boolean> {
    if (!this.ended) return false;
    const rated = await this.request<{ rating: ConversationRating }>('chat:rate', { sessionId: this.ended.sessionId, score, comment });
    if (rated) this.ended = { ...this.ended, rating: rated.rating };
    this.host.requestUpdate();
    return !!rated;
  }

  /** Back to an empty chat after the rating (or instead of it). */
  startOver(): void {
    this.ended = null;
    this.error = undefined;
    this.host.requestUpdate();
  }

  private async request<T>(event: string, ...args: unknown[]): Promise<T | null> {
    const socket = this.connection.socket;
    if (!socket) return null;
    // Events named at run time: the typed map checks the payloads where they are built above.
    const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(event: string, ...args: unknown[]): Promise<{ data: T } | { error: { message: string } }>;
    };
    const response = await timed.emitWithAck(event, ...args).catch(() => null);
    if (response && 'data' in response) {
      this.error = undefined;
      return response.data;
    }
    this.error = response?.error.message ?? 'Cannot reach the chat server. Try again in a moment.';
    return null;
  }
}
