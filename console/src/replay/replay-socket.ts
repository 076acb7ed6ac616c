import type { ConsoleChatMessage as ChatMessage } from '../../../server/src/protocol/chat-events.js';
import type { PublicSession } from '../../../server/src/protocol/events.js';
import type { LiveBatch } from '../../../server/src/protocol/replay-events.js';
import { consoleSocket, type ConsoleSocket } from '../live/console-socket.js';

type AckResult<T> = { data: T } | { error: { code: string; message: string } };

export interface LiveHandlers {
  batch(batch: LiveBatch): void;
  /** The server will not send this seq live (past the live budget); a fresh snapshot follows. */
  gap(seq: number): void;
  sessionChanged(session: PublicSession): void;
  message(message: ChatMessage): void;
}

/**
 * The viewer's connection to the console namespace: watches one session (`replay:watch`), hears its
 * batches, its status and its chat. Rejoins after a reconnect, since rooms do not survive one.
 */
export class ReplaySocket {
  private readonly socket: ConsoleSocket;
  private watching = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly sessionId: string,
    handlers: LiveHandlers,
  ) {
    const socket = (this.socket = consoleSocket());
    const onBatch = (batch: LiveBatch) => batch.sessionId === sessionId && handlers.batch(batch);
    const onGap = (gap: { sessionId: string; seq: number }) => gap.sessionId === sessionId && handlers.gap(gap.seq);
    const onSession = ({ session }: { session: PublicSession }) => session.id === sessionId && handlers.sessionChanged(session);
    const onMessage = ({ message }: { message: ChatMessage }) => message.sessionId === sessionId && handlers.message(message);
    // Rooms do not survive a reconnect: watch again once the server has us back.
    let lost = false;
    const onDisconnect = () => (lost = true);
    const onReady = () => {
      if (lost && this.watching) void this.watch().catch(() => undefined);
      lost = false;
    };
    socket.on('disconnect', onDisconnect);
    socket.on('replay:batch', onBatch);
    socket.on('replay:gap', onGap);
    socket.on('session:changed', onSession);
    socket.on('chat:message', onMessage);
    socket.on('console:ready', onReady);
    this.unsubscribe.push(
      () => socket.off('replay:batch', onBatch),
      () => socket.off('replay:gap', onGap),
      () => socket.off('session:changed', onSession),
      () => socket.off('chat:message', onMessage),
      () => socket.off('console:ready', onReady),
      () => socket.off('disconnect', onDisconnect),
    );
  }

  private command<T>(event: string, payload: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.socket.emit as (...args: unknown[]) => void)(event, payload, (result: AckResult<T>) =>
        'error' in result ? reject(new Error(result.error.message)) : resolve(result.data),
      );
    });
  }

  async watch(): Promise<void> {
    this.watching = true;
    await this.command('replay:watch', { sessionId: this.sessionId });
    // The conversation's live messages come with opening it (chat issue).
    await this.command('chat:open', { sessionId: this.sessionId }).catch(() => undefined);
  }

  takeOver(): Promise<unknown> {
    return this.command('chat:takeover', { sessionId: this.sessionId });
  }

  reply(text: string): Promise<{ message: ChatMessage }> {
    return this.command('chat:reply', { sessionId: this.sessionId, text, clientId: crypto.randomUUID() });
  }

  /** Starts the conversation: the message goes, and the visitor's widget opens its chat (issue 21). */
  start(text: string): Promise<{ message: ChatMessage }> {
    return this.command('chat:start', { sessionId: this.sessionId, text, clientId: crypto.randomUUID() });
  }

  async stopWatching(): Promise<void> {
    if (!this.watching) return;
    this.watching = false;
    await this.command('replay:unwatch', { sessionId: this.sessionId }).catch(() => undefined);
  }

  /** Stops listening; the shared connection stays open for the rest of the console. */
  close() {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
