import { Types } from 'mongoose';
import { deleteMatching } from '../by-ids.js';
import { chunkKey, type ChunkDoc } from '../chunk-model.js';
import type { Models } from '../models.js';
import { sessionTrigrams } from '../search-terms.js';
import { MAX_VISITOR_SESSIONS } from '../visitor-model.js';
import type { WriteHooks } from '../write-hooks.js';
import { addHead, addHeads } from './chunk-heads.js';
import type { EmbeddedModels } from './embedded-models.js';
import type { ConversationLists } from './conversation-lists.js';
import type { embeddedReads } from './embedded-reads.js';
import type { MessagePages } from './message-pages.js';
import { pagedLists } from './paged-list.js';
import { listNames, readModelKeys, type Entry } from './read-model-keys.js';

/** Prompts of a session added to the signal filter's lists when its signals are saved. */
const MAX_LISTED_PROMPTS = 2_000;

export type ReadModelWriter = WriteHooks & {
  /** Writes the deferred list entries now (on close; tests, before they search). */
  flush(): Promise<void>;
  forgetPending(appId: string): void;
};

/**
 * Keeps the embedded read model (read-model-keys.ts) in step with every shared write: the lists a
 * row appears in, the active and chats sets, chunk header and message pages, the visitor's session
 * list and the active-sessions set of the sweeps. Every write is one atomic update or a
 * compare-and-set (paged-list.ts), so writers in any number never lose each other's work.
 */
export function readModelWriter(
  models: Models & EmbeddedModels,
  pages: MessagePages,
  reads: ReturnType<typeof embeddedReads>,
  conversations: ConversationLists,
): ReadModelWriter {
  const { Session, Visitor, Chunk, ActiveSession, ChunkHeads, MessagePages, ReadModel } = models;
  const lists = pagedLists(ReadModel.collection);
  const setDoc = (id: string, appId: string, update: Record<string, Record<string, unknown>>) =>
    ReadModel.collection.updateOne({ _id: id } as never, { ...update, $set: { appId, ...update.$set } }, { upsert: true });
  const leaveSets = (appId: string, ids: string[]) =>
    Promise.all([
      ReadModel.collection.updateOne({ _id: readModelKeys.active(appId) } as never, { $unset: Object.fromEntries(ids.map((id) => [`m${id}`, ''])) }),
      ReadModel.collection.updateOne({ _id: readModelKeys.chats(appId) } as never, { $unset: Object.fromEntries(ids.flatMap((id) => [[`t${id}`, ''], [`c${id}`, '']])) }),
    ]);
  const searchable = (appId: string, entry: Entry, fields: Parameters<typeof sessionTrigrams>[0]) => {
    for (const trigram of sessionTrigrams(fields)) lists.defer(appId, listNames.trigram(trigram), [entry]);
  };

  return {
    sessionFields: () => ({}),
    visitorUpdate: (sessionId) => ({ $push: { sessionIds: sessionId } }),
    async sessionStarted(doc) {
      const appId = String(doc.appId);
      const id = doc._id.toString();
      const entry = { t: doc.startedAt.getTime(), id };
      await Promise.all([
        lists.append(appId, listNames.sessions, [entry]),
        setDoc(readModelKeys.active(appId), appId, { $set: { [`m${id}`]: entry.t } }),
        ActiveSession.collection.insertOne({ _id: id, appId, startedAt: doc.startedAt } as never),
      ]);
      searchable(appId, entry, { landingUrl: doc.landingUrl, visitorId: doc.visitorId });
    },
    async visitorUpdated(visitor) {
      // Trimmed back to the newest sessions once twice as long, if nobody changed the list meanwhile.
      const ids = visitor.sessionIds ?? [];
      if (ids.length > 2 * MAX_VISITOR_SESSIONS) await Visitor.updateOne({ _id: visitor._id, sessionIds: ids }, { $set: { sessionIds: ids.slice(-MAX_VISITOR_SESSIONS) } });
    },
    async sessionCompleted(doc) {
      const id = doc._id.toString();
      await Promise.all([leaveSets(String(doc.appId), [id]), ActiveSession.deleteOne({ _id: id })]);
    },
    async identityChanged(before, identity) {
      searchable(String(before.appId), { t: before.startedAt.getTime(), id: before._id.toString() }, { visitorName: identity.name, visitorEmail: identity.email });
    },
    conversationMoved: (doc) => conversations.moved(doc),
    messageFields: () => ({}),
    async messageStored(message, session) {
      const appId = String(message.appId);
      const sessionId = String(message.sessionId);
      const id = message._id.toString();
      const prompt = { t: message.createdAt.getTime(), id, ref: sessionId };
      await Promise.all([
        pages.record(sessionId, message.seq, id),
        session.status === 'active' ? joinChats(appId, sessionId, message.createdAt, session.chatState ?? 'ai') : null,
        message.role === 'visitor' ? lists.append(appId, listNames.prompts, [prompt]) : null,
      ]);
      if (message.role === 'visitor') for (const signal of session.signalTypes ?? []) lists.defer(appId, listNames.signalPrompts(signal), [prompt]);
    },
    async chunkStored(sessionId, header) {
      await addHead(ChunkHeads, sessionId, header);
    },
    chunksStored: (chunks) => addHeads(ChunkHeads, chunks),
    async chunkSentAgain(sessionId, seq) {
      // The header is the stored chunk's: a copy sent again (socket, then the pagehide POST) may differ in bytes.
      const stored = await Chunk.findById(chunkKey(sessionId, seq), { data: 0 }).lean<ChunkDoc>();
      if (stored) await addHead(ChunkHeads, sessionId, { ...stored, seq });
    },
    async signalsSaved(session, signalTypes) {
      if (!signalTypes.length) return;
      const prompts = (await reads.messages.listAfter(session.id, 0, MAX_LISTED_PROMPTS)).filter((message) => message.role === 'visitor');
      for (const signal of signalTypes) {
        lists.defer(session.appId, listNames.signalSessions(signal), [{ t: session.startedAt.getTime(), id: session.id }]);
        lists.defer(session.appId, listNames.signalPrompts(signal), prompts.map((p) => ({ t: p.createdAt.getTime(), id: p.id, ref: session.id })));
      }
    },
    async deleteChildren(sessionIds) {
      const children = { sessionId: { $in: sessionIds.map((id) => new Types.ObjectId(id)) } };
      await deleteMatching(ChunkHeads.collection, children);
      await deleteMatching(MessagePages.collection, children);
    },
    async sessionsDeleted(docs) {
      // List pages keep the ids of deleted rows; readers skip rows that no longer exist.
      const byApp = new Map<string, string[]>();
      for (const doc of docs) byApp.set(String(doc.appId), [...(byApp.get(String(doc.appId)) ?? []), doc._id.toString()]);
      await Promise.all([...byApp].map(([appId, ids]) => Promise.all([leaveSets(appId, ids), conversations.forget(appId, ids)])));
      if (docs.length) await ActiveSession.deleteMany({ _id: { $in: docs.map((doc) => doc._id.toString()) } });
    },
    flush: () => lists.flush(),
    forgetPending: (appId) => lists.forgetPending(appId),
  };

  /**
   * The session leads the Conversations list (its last message by `$max`, its chat state by `$set`).
   * A completion between the seq draw and this write already left the set: read the status once more
   * and leave again, so a completed session never stays listed.
   */
  async function joinChats(appId: string, sessionId: string, at: Date, chatState: string) {
    await setDoc(readModelKeys.chats(appId), appId, { $max: { [`t${sessionId}`]: at.getTime() }, $set: { [`c${sessionId}`]: chatState } });
    const now = await Session.findById(sessionId, { status: 1 }).lean<{ status: string }>();
    if (now?.status !== 'active') await leaveSets(appId, [sessionId]);
  }
}
