import type { Logger } from 'pino';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import type { ConsoleChatClientToServer } from '../protocol/chat-events.js';
import {
  consoleChatAssignSchema,
  consoleChatListSchema,
  consoleChatNoteSchema,
  consoleChatResolveSchema,
  consoleChatTeammatesSchema,
  consoleChatOpenSchema,
  consoleChatReplySchema,
  consoleChatStartSchema,
  consoleChatTakeoverSchema,
} from '../protocol/chat-schemas.js';
import type { Ack } from '../protocol/events.js';
import type { ConsoleAccess } from '../realtime/console-access.js';
import type { ConsoleSocket } from '../realtime/console-namespace.js';
import { conversationRoom, sessionRoomsOf } from '../realtime/console-rooms.js';
import type { ChatService } from './chat-service.js';
import { consoleMessage, conversationSummary } from './chat-wire.js';

type Result<E extends keyof ConsoleChatClientToServer> = ConsoleChatClientToServer[E] extends (payload: never, ack: Ack<infer T>) => void ? T : never;

/**
 * The agents' chat commands on the console's connection. Every command reads the user from the
 * database (sign-in and memberships as they are now) and checks that they are a member of the
 * conversation's application; otherwise the answer is E_NOT_FOUND.
 */
export function registerConsoleChatHandlers(socket: ConsoleSocket, deps: { chat: ChatService; access: ConsoleAccess; logger: Logger }): void {
  const { chat, access, logger } = deps;
  const handle = <E extends keyof ConsoleChatClientToServer>(event: E, handler: (payload: unknown) => Promise<Result<E>>) => {
    // Payloads are unknown until validated: the listener takes them untyped.
    (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, async (...args: unknown[]) => {
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
  const user = () => access.currentUser(socket);

  handle('chat:list', async (payload) => {
    const { appId, view } = validate(consoleChatListSchema, payload);
    return { conversations: (await chat.list(await user(), appId, view)).map(conversationSummary) };
  });

  handle('chat:open', async (payload) => {
    const { sessionId } = validate(consoleChatOpenSchema, payload);
    const conversation = await chat.conversationFor(await user(), sessionId);
    // Join before reading, so no message falls between the transcript and the live events.
    await access.joinWhileMember(socket, conversation.appId, conversationRoom(conversation.appId, sessionId));
    return { conversation: conversationSummary(conversation), messages: await chat.transcript(conversation) };
  });

  handle('chat:close', async (payload) => {
    const { sessionId } = validate(consoleChatOpenSchema, payload);
    for (const room of sessionRoomsOf(socket.rooms, 'conversation', sessionId)) await socket.leave(room);
    return { ok: true as const };
  });

  handle('chat:takeover', async (payload) => {
    const { sessionId } = validate(consoleChatTakeoverSchema, payload);
    return { conversation: conversationSummary(await chat.takeover(await user(), sessionId)) };
  });

  handle('chat:reply', async (payload) => {
    const { sessionId, text, clientId } = validate(consoleChatReplySchema, payload);
    return { message: consoleMessage(await chat.agentReply(await user(), sessionId, { text, clientId })) };
  });

  handle('chat:teammates', async (payload) => {
    const { appId } = validate(consoleChatTeammatesSchema, payload);
    return { members: await chat.teammates(await user(), appId) };
  });

  handle('chat:note', async (payload) => {
    const { sessionId, text, clientId } = validate(consoleChatNoteSchema, payload);
    return { message: consoleMessage(await chat.agentNote(await user(), sessionId, { text, clientId })) };
  });

  handle('chat:assign', async (payload) => {
    const { sessionId, userId } = validate(consoleChatAssignSchema, payload);
    return { conversation: conversationSummary(await chat.assign(await user(), sessionId, userId)) };
  });

  handle('chat:resolve', async (payload) => {
    const { sessionId } = validate(consoleChatResolveSchema, payload);
    return { conversation: conversationSummary(await chat.resolve(await user(), sessionId)) };
  });

  handle('chat:start', async (payload) => {
    const { sessionId, text, clientId } = validate(consoleChatStartSchema, payload);
    return { message: consoleMessage(await chat.agentStart(await user(), sessionId, { text, clientId })) };
  });
}
