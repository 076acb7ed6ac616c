import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS } from '../../../server/src/protocol/limits.js';
import { consoleSocket, type ConsoleSocket } from './console-socket.js';

/**
 * Typing indicators in the console (issue 18): which open conversation's visitor is typing (hidden
 * when they stop, send, or TYPING_EXPIRY_MS pass without a word), and the agent's own typing, sent
 * at most once per TYPING_THROTTLE_MS to the visitor through the server.
 */
export class TypingController implements ReactiveController {
  private readonly visitorsTyping = new Map<string, ReturnType<typeof setTimeout>>();
  private socket: ConsoleSocket | undefined;
  private sentAt = 0;
  private sentFor = '';
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.socket = consoleSocket();
    this.socket.on('chat:visitor-typing', this.onVisitorTyping);
    this.socket.on('chat:message', this.onMessage);
  }

  hostDisconnected(): void {
    this.socket?.off('chat:visitor-typing', this.onVisitorTyping);
    this.socket?.off('chat:message', this.onMessage);
    for (const timer of this.visitorsTyping.values()) clearTimeout(timer);
    this.visitorsTyping.clear();
    clearTimeout(this.idle);
  }

  isVisitorTyping(sessionId: string): boolean {
    return this.visitorsTyping.has(sessionId);
  }

  /** The agent typed in the reply box of `sessionId`. */
  typed(sessionId: string): void {
    const now = Date.now();
    if (sessionId !== this.sentFor || now - this.sentAt >= TYPING_THROTTLE_MS) {
      if (this.sentFor && this.sentFor !== sessionId) this.stopped();
      this.sentAt = now;
      this.sentFor = sessionId;
      this.socket?.emit('chat:typing', { sessionId, typing: true });
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stopped(), TYPING_THROTTLE_MS * 2);
  }

  /** The agent sent, cleared the box, or paused. */
  stopped(): void {
    clearTimeout(this.idle);
    if (!this.sentFor) return;
    this.socket?.emit('chat:typing', { sessionId: this.sentFor, typing: false });
    this.sentFor = '';
    this.sentAt = 0;
  }

  private onVisitorTyping = ({ sessionId, typing }: { sessionId: string; typing: boolean }) => this.setVisitorTyping(sessionId, typing);

  private onMessage = ({ message }: { message: { sessionId: string; role: string } }) => {
    if (message.role === 'visitor') this.setVisitorTyping(message.sessionId, false);
  };

  private setVisitorTyping(sessionId: string, typing: boolean): void {
    clearTimeout(this.visitorsTyping.get(sessionId));
    this.visitorsTyping.delete(sessionId);
    if (typing) this.visitorsTyping.set(sessionId, setTimeout(() => this.setVisitorTyping(sessionId, false), TYPING_EXPIRY_MS));
    this.host.requestUpdate();
  }
}
