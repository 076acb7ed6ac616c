import type { AppsRepository } from '../storage/ports.js';
import type { ChatService } from './chat-service.js';

const MINUTE_MS = 60_000;

/**
 * Resolves every application's conversations quiet for longer than its owner's quiet period
 * (`settings.conversations.autoResolveMinutes`; 0 leaves them to the agents). Waiting ones are never
 * resolved this way: only an answer or an agent ends a wait. Safe on any number of server processes:
 * each resolution is a conditional update that also checks no message came since.
 */
export async function resolveQuietConversations(deps: { apps: Pick<AppsRepository, 'listAll'>; chat: Pick<ChatService, 'resolveQuiet'>; now: () => Date }): Promise<number> {
  let resolved = 0;
  for (const app of await deps.apps.listAll()) {
    const minutes = app.settings.conversations.autoResolveMinutes;
    if (minutes > 0) resolved += await deps.chat.resolveQuiet(app.id, new Date(deps.now().getTime() - minutes * MINUTE_MS));
  }
  return resolved;
}
