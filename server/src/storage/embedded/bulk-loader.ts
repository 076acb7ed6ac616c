import { Types } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import { rebuildActivityIndex, writeActivityIndex, type IndexSource } from './activity-index-rebuild.js';
import { MESSAGES_PER_PAGE, type MessagePagesDoc } from './message-pages.js';
import type { Models } from './models.js';
import type { BulkLoader, LoadedSession, MessageRecord } from './ports.js';

/**
 * Bulk loading into the embedded read model's collections: the documents the write paths store, with
 * their message pages, inserted a batch at a time without per-document validation; the activity
 * index is then written once from the loaded entries, or rebuilt from the raw collections (`exact`).
 */
export function embeddedBulkLoader(models: Pick<Models, 'Session' | 'Message' | 'ActivityIndex' | 'MessagePages'>): BulkLoader {
  const sources = new Map<string, IndexSource>();
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
          search: { landingUrl: session.landingUrl, visitorId: session.visitorId, visitorName: session.visitorName, visitorEmail: session.visitorEmail },
          signals: session.signalTypes,
          lastMessageAt: session.lastMessageAt && session.messageCount > 0 ? session.lastMessageAt.getTime() : null,
          chatState: session.chatState,
        });
      }
      if (sessions.length) await models.Session.collection.insertMany(sessions.map(sessionDoc));
      if (messages.length) await models.Message.collection.insertMany(messages.map(messageDoc));
      if (pages.size) await models.MessagePages.collection.insertMany([...pages.values()] as never[]);
    },
    async finish(appId, { exact }) {
      const source = sources.get(appId) ?? { sessions: [], prompts: [] };
      sources.delete(appId);
      if (exact) await rebuildActivityIndex(models, appId);
      else await writeActivityIndex(models.ActivityIndex, appId, source);
    },
  };
}

const oid = (id: string) => new Types.ObjectId(id);

function sessionDoc({ id, appId, messageCount, ...fields }: LoadedSession) {
  return {
    ...fields,
    _id: oid(id),
    appId: oid(appId),
    hourKey: hourKey(fields.startedAt),
    dayKey: dayKey(fields.startedAt),
    messageSeq: messageCount,
    messagePages: true,
    visitorName: fields.visitorName ?? '',
    visitorEmail: fields.visitorEmail ?? '',
  };
}

function messageDoc({ id, appId, sessionId, agentId, ...fields }: MessageRecord) {
  return {
    ...fields,
    _id: oid(id),
    appId: oid(appId),
    sessionId: oid(sessionId),
    hourKey: hourKey(fields.createdAt),
    dayKey: dayKey(fields.createdAt),
    agentId: agentId ? oid(agentId) : null,
  };
}
