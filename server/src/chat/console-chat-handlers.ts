import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import type { ConsoleChatClientToServer } from '../protocol/chat-events.js';
import { consoleChatListSchema, consoleChatOpenSchema, consoleChatReplySchema, consoleChatTakeoverSchema } from '../protocol/chat-schemas.js';
import type { Ack } from '../protocol/events.js';
import type { ConsoleNamespace } from '../realtime/console-namespace.js';
import type { ChatService } from './chat-service.js';
import { conversationRoom, conversationSummary, wireMessage } from './chat-wire.js';

type ConsoleSocket = Parameters<Parameters<ConsoleNamespace['on']>[1]>[0] & Socket;
type Result<E extends keyof ConsoleChatClientToServer> = ConsoleChatClientToServer[E] extends (payload: never, ack: Ack<infer T>) => void ? T : never;

/**
 * The agents' chat commands on the console's connection. Every command checks that the signed-in
 * user is a member of the conversation's application; otherwise the answer is E_NOT_FOUND.
 */
export function registerConsoleChatHandlers(socket: ConsoleSocket, chat: ChatService, logger: Logger): void {
  const handle = <E extends keyof ConsoleChatClientToServer>(event: E, handler: (payload: unknown) => Promise<Result<E>>) => {
    socket.on(event as string, async (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      try {
        ack({ data: await handler(args.length > 1 ? args[0] : undefined) });
      } catch (error) {
        if (!(error instanceof AppError)) logger.error({ err: error, event }, 'console chat command failed');
        ack((error instanceof AppError ? error : new AppError('E_INTERNAL')).toBody());
      }
    });
  };
  const user = () => socket.data.user;

  handle('chat:list', async (payload) => {
    const { appId } = validate(consoleChatListSchema, payload);
    return { conversations: (await chat.list(user(), appId)).map(conversationSummary) };
  });

  handle('chat:open', async (payload) => {
    const { sessionId } = validate(consoleChatOpenSchema, payload);
    const conversation = await chat.conversationFor(user(), sessionId);
    // Join before reading, so no message falls between the transcript and the live events.
    await socket.join(conversationRoom(sessionId));
    return { conversation: conversationSummary(conversation), messages: await chat.transcript(conversation) };
  });

  handle('chat:close', async (payload) => {
    const { sessionId } = validate(consoleChatOpenSchema, payload);
    await socket.leave(conversationRoom(sessionId));
    return { ok: true as const };
  });

  handle('chat:takeover', async (payload) => {
    const { sessionId } = validate(consoleChatTakeoverSchema, payload);
    return { conversation: conversationSummary(await chat.takeover(user(), sessionId)) };
  });

  handle('chat:reply', async (payload) => {
    const { sessionId, text, clientId } = validate(consoleChatReplySchema, payload);
    return { message: wireMessage(await chat.agentReply(user(), sessionId, { text, clientId })) };
  });
}
