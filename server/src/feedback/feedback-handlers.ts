import type { Namespace } from 'socket.io';
import { validate } from '../http/validate.js';
import { chatContactSchema, chatRateSchema, consoleTypingSchema, visitorTypingSchema } from '../protocol/feedback.js';
import type { ConsoleServerToClient, VisitorServerToClient } from '../protocol/events.js';
import { TYPING_THROTTLE_MS } from '../protocol/limits.js';
import type { ConsoleSocket } from '../realtime/console-namespace.js';
import { conversationRoom, sessionRoomsOf } from '../realtime/console-rooms.js';
import { sessionRoom, type commandHandler, type VisitorSocket } from '../realtime/visitor-namespace.js';
import type { FeedbackService } from './feedback-service.js';

/**
 * Relays "typing" at most once per TYPING_THROTTLE_MS per connection, and every change of it. What a
 * connection last relayed is its own (kept with its listener, on the node that holds it); the relay
 * itself goes through rooms only, so another node's sockets receive it through the adapter.
 */
function typingThrottle(now: () => number = Date.now) {
  let last: { typing: boolean; at: number } | undefined;
  return (typing: boolean): boolean => {
    const at = now();
    if (last && last.typing === typing && at - last.at < TYPING_THROTTLE_MS) return false;
    last = { typing, at };
    return true;
  };
}

/** The widget's rating, contact email, availability and typing (issue 18), on the visitor's connection. */
export function registerVisitorFeedbackHandlers(
  socket: VisitorSocket,
  handle: ReturnType<typeof commandHandler>,
  deps: { feedback: FeedbackService; consoles: Namespace<Record<string, never>, ConsoleServerToClient> },
): void {
  const { feedback, consoles } = deps;
  handle('chat:rate', async (payload) => feedback.rate(socket.data.app, socket.data.visitorId, validate(chatRateSchema, payload)));
  handle('chat:contact', async (payload) => feedback.leaveContact(socket.data.app, socket.data.visitorId, validate(chatContactSchema, payload)));
  handle('chat:availability', async () => feedback.availability(socket.data.app, socket.data.visitorId, socket.data.sessionId));

  const relay = typingThrottle();
  // No acknowledgement: a lost indicator is harmless. Only about the connection's own session.
  socket.on('chat:typing', (payload: unknown) => {
    const parsed = visitorTypingSchema.safeParse(payload);
    const sessionId = socket.data.sessionId;
    if (!parsed.success || !sessionId || !relay(parsed.data.typing)) return;
    consoles.to(conversationRoom(socket.data.app.id, sessionId)).emit('chat:visitor-typing', { sessionId, typing: parsed.data.typing });
  });
}

/** An agent typing in an open conversation (issue 18): only a conversation this socket joined as a member. */
export function registerConsoleTypingHandler(socket: ConsoleSocket, visitors: Namespace<Record<string, never>, VisitorServerToClient>): void {
  const relay = typingThrottle();
  socket.on('chat:typing', (payload: unknown) => {
    const parsed = consoleTypingSchema.safeParse(payload);
    if (!parsed.success) return;
    const { sessionId, typing } = parsed.data;
    // Joined by `chat:open` after a membership check, and left when the membership is taken away.
    const [room] = sessionRoomsOf(socket.rooms, 'conversation', sessionId);
    if (!room || !relay(typing)) return;
    visitors.to(sessionRoom(sessionId)).emit('chat:typing', { sessionId, typing });
  });
}
