import { validate } from '../http/validate.js';
import { chatSendSchema, chatSyncSchema } from '../protocol/chat-schemas.js';
import type { commandHandler, VisitorSocket } from '../realtime/visitor-namespace.js';
import type { ChatService } from './chat-service.js';

/** The widget's chat commands, on the visitor's connection. Registered from visitor-namespace.ts. */
export function registerVisitorChatHandlers(socket: VisitorSocket, handle: ReturnType<typeof commandHandler>, chat: ChatService): void {
  const { app } = socket.data;

  handle('chat:send', async (payload) => {
    const input = validate(chatSendSchema, payload);
    const { identity, sessionId } = socket.data;
    if (identity && sessionId) await chat.setIdentity(sessionId, identity);
    return chat.visitorSend(app, socket.data.visitorId, socket.data.sessionId, input);
  });

  handle('chat:sync', async (payload) => {
    const { afterSeq } = validate(chatSyncSchema, payload);
    return chat.sync(app, socket.data.visitorId, socket.data.sessionId, afterSeq);
  });

  handle('chat:human', async () => chat.requestHuman(app, socket.data.sessionId));

  socket.on('disconnect', () => {
    if (socket.data.sessionId) chat.visitorLeft(socket.data.sessionId);
  });
}
