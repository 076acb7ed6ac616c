import type { ChatPublisher } from '../chat/chat-publisher.js';
import type { ConsoleNamespace } from '../realtime/console-namespace.js';
import { appRoom } from '../realtime/console-rooms.js';

/**
 * Adds `prompt:created` to the chat's fan-out: every visitor message is announced to its
 * application's console room, so the Activity feed shows it at once instead of after a refetch.
 */
export function withPromptAnnouncements(publisher: ChatPublisher, consoles: ConsoleNamespace): ChatPublisher {
  return {
    ...publisher,
    message(conversation, message, replyId) {
      publisher.message(conversation, message, replyId);
      if (message.role !== 'visitor') return;
      consoles.to(appRoom(conversation.appId)).emit('prompt:created', {
        appId: conversation.appId,
        prompt: {
          id: message.id,
          sessionId: message.sessionId,
          visitorId: conversation.visitorId,
          text: message.text,
          createdAt: message.createdAt,
          answeredBy: 'waiting',
          session: null,
        },
      });
    },
  };
}
