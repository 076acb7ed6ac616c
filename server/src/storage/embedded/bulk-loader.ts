import { Types } from 'mongoose';
import type { Models } from '../models.js';
import { loadedMessageDoc, loadedSessionDoc } from '../loaded-documents.js';
import type { BulkLoader } from '../ports.js';
import type { EmbeddedModels } from './embedded-models.js';
import { MESSAGES_PER_PAGE, type MessagePagesDoc } from './message-pages.js';
import { rebuildReadModel, writeReadModel, type ReadModelSource } from './rebuild.js';

/**
 * Bulk loading into the embedded read model's collections: the documents the write paths store, with
 * their message pages, inserted a batch at a time without per-document validation; the read model is
 * then written once from the loaded entries, or rebuilt from the raw collections (`exact`).
 */
export function embeddedBulkLoader(models: Pick<Models, 'Session' | 'Message'> & Pick<EmbeddedModels, 'MessagePages' | 'ReadModel'>, beforeWrite: (appId: string) => Promise<void>): BulkLoader {
  const sources = new Map<string, ReadModelSource>();
  const sourceOf = (appId: string) => {
    let source = sources.get(appId);
    if (!source) sources.set(appId, (source = { sessions: [], prompts: [] }));
    return source;
  };
  return {
    async load(sessions, messages) {
      const pages = new Map<string, MessagePagesDoc>();
      for (const message of messages) {
        const id = `${message.sessionId}:m${Math.floor(message.seq / MESSAGES_PER_PAGE)}`;
        let page = pages.get(id);
        if (!page) pages.set(id, (page = { _id: id, sessionId: new Types.ObjectId(message.sessionId) }));
        page[`s${message.seq}`] = message.id;
        if (message.role === 'visitor') sourceOf(message.appId).prompts.push({ t: message.createdAt.getTime(), id: message.id, sessionId: message.sessionId });
      }
      for (const session of sessions) {
        sourceOf(session.appId).sessions.push({
          t: session.startedAt.getTime(),
          id: session.id,
          status: session.status,
          eventCount: session.eventCount,
          bytes: session.bytes,
          search: { landingUrl: session.landingUrl, visitorId: session.visitorId, visitorName: session.visitorName, visitorEmail: session.visitorEmail },
          signals: session.signalTypes,
          lastMessageAt: session.lastMessageAt && session.messageCount > 0 ? session.lastMessageAt.getTime() : null,
          chatState: session.chatState,
        });
      }
      if (sessions.length) await models.Session.collection.insertMany(sessions.map(loadedSessionDoc));
      if (messages.length) await models.Message.collection.insertMany(messages.map(loadedMessageDoc));
      if (pages.size) await models.MessagePages.collection.insertMany([...pages.values()] as never[]);
    },
    async finish(appId, { exact }) {
      const source = sources.get(appId) ?? { sessions: [], prompts: [] };
      sources.delete(appId);
      // Deferred list entries still in memory would land on top of the rebuilt lists: written first.
      await beforeWrite(appId);
      if (exact) await rebuildReadModel(models, models.ReadModel.collection, appId);
      else await writeReadModel(models.ReadModel.collection, appId, source);
    },
  };
}
