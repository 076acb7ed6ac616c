import { isValidObjectId } from 'mongoose';
import { byIds } from '../by-ids.js';
import type { Models } from '../models.js';
import type { ConversationsRepository, ConversationView } from '../ports.js';
import { toConversation } from '../records.js';
import type { SessionDoc } from '../session-model.js';
import type { EmbeddedModels } from './embedded-models.js';
import { listReader } from './list-reader.js';
import type { PagedLists } from './paged-list.js';
import { listNames, readModelKeys, setMembers } from './read-model-keys.js';

/**
 * The Conversations views on the embedded read model (issue 18). Unresolved conversations are few (a
 * team answers them): their ids sit in one set document (`<appId>:conversations`), read with the
 * sessions it names by `_id`, and each view filters and sorts those sessions as they are now.
 * Resolved ones grow without end: a paged list by resolution time, read newest first, each entry
 * believed only while the session is still resolved at that time (a reopened and resolved-again
 * conversation has a newer entry).
 *
 * Membership follows every lifecycle move: the mover writes the set, then reads the session's status
 * again and writes once more if it changed meanwhile — so the last move's writer always leaves the set
 * as the session is, whichever writer came last (no read-merge-write, no lock).
 */

/** Unresolved conversations read for one view, at most (the rest wait for the next ones to be resolved). */
const MAX_UNRESOLVED_READ = 2_000;
/** Resolved entries looked at for one page of the Resolved view, at most. */
const MAX_RESOLVED_SCAN = 1_000;

const UNRESOLVED_PREFIX = 'u';
const isUnresolved = (doc: Pick<SessionDoc, 'conversationStatus'> | null | undefined) => Boolean(doc?.conversationStatus) && doc?.conversationStatus !== 'resolved';

const VIEW_MATCHES: Record<Exclude<ConversationView, 'resolved'>, (doc: SessionDoc, userId: string) => boolean> = {
  waiting: (doc) => doc.conversationStatus === 'waiting',
  mine: (doc, userId) => (doc.conversationStatus === 'assigned' || doc.conversationStatus === 'waiting') && doc.assigneeId === userId,
  open: (doc) => isUnresolved(doc),
};
const time = (date: Date | null | undefined) => date?.getTime() ?? 0;

export function conversationLists({ Session, ReadModel }: Pick<Models, 'Session'> & Pick<EmbeddedModels, 'ReadModel'>, lists: PagedLists) {
  const reader = listReader(ReadModel.collection);
  const setKey = readModelKeys.conversations;
  const join = (appId: string, id: string, at: number) =>
    ReadModel.collection.updateOne({ _id: setKey(appId) } as never, { $set: { appId, [`${UNRESOLVED_PREFIX}${id}`]: at } }, { upsert: true });
  const leave = (appId: string, ids: string[]) =>
    ReadModel.collection.updateOne({ _id: setKey(appId) } as never, { $unset: Object.fromEntries(ids.map((id) => [`${UNRESOLVED_PREFIX}${id}`, ''])) });

  async function unresolved(appId: string): Promise<SessionDoc[]> {
    const members = setMembers(await ReadModel.findById(setKey(appId)).lean(), UNRESOLVED_PREFIX).slice(-MAX_UNRESOLVED_READ);
    const found = await byIds<SessionDoc>(Session, members.map((member) => member.id));
    return [...found.values()].filter((doc) => String(doc.appId) === appId && isUnresolved(doc));
  }

  async function resolved(appId: string, limit: number): Promise<SessionDoc[]> {
    const shown: SessionDoc[] = [];
    let batch: Array<{ t: number; id: string }> = [];
    let scanned = 0;
    const take = async () => {
      const found = await byIds<SessionDoc>(Session, batch.map((entry) => entry.id));
      for (const entry of batch) {
        const doc = found.get(entry.id);
        if (doc?.conversationStatus === 'resolved' && time(doc.resolvedAt) === entry.t && shown.length < limit) shown.push(doc);
      }
      batch = [];
    };
    for await (const entry of reader.entries(appId, listNames.resolvedConversations)) {
      batch.push(entry);
      if (++scanned >= MAX_RESOLVED_SCAN) break;
      if (batch.length >= limit) await take();
      if (shown.length >= limit) break;
    }
    if (batch.length && shown.length < limit) await take();
    return shown;
  }

  const reads: Pick<ConversationsRepository, 'list' | 'listQuiet'> = {
    async list(appId, view, userId, limit) {
      if (!isValidObjectId(appId)) return [];
      if (view === 'resolved') return (await resolved(appId, limit)).map(toConversation);
      const docs = (await unresolved(appId)).filter((doc) => VIEW_MATCHES[view](doc, userId));
      docs.sort(view === 'waiting' ? (a, b) => time(a.waitingSince) - time(b.waitingSince) : (a, b) => time(b.lastMessageAt) - time(a.lastMessageAt));
      return docs.slice(0, limit).map(toConversation);
    },
    async listQuiet(appId, before, limit) {
      if (!isValidObjectId(appId)) return [];
      const quiet = (await unresolved(appId)).filter((doc) => doc.conversationStatus !== 'waiting' && time(doc.lastMessageAt) < before.getTime());
      return quiet.slice(0, limit).map(toConversation);
    },
  };

  return {
    reads,
    /** The write hook of every lifecycle move (see the file comment). */
    async moved(doc: SessionDoc): Promise<void> {
      const appId = String(doc.appId);
      const id = doc._id.toString();
      // A member's value is its session's start, which never changes: the set is the same however often it is written.
      const place = async (unresolvedNow: boolean) => (unresolvedNow ? join(appId, id, doc.startedAt.getTime()) : leave(appId, [id]));
      if (doc.conversationStatus === 'resolved') await lists.append(appId, listNames.resolvedConversations, [{ t: time(doc.resolvedAt), id }]);
      await place(isUnresolved(doc));
      const now = await Session.findById(id, { conversationStatus: 1 }).lean<Pick<SessionDoc, 'conversationStatus'>>();
      if (isUnresolved(now) !== isUnresolved(doc)) await place(isUnresolved(now));
    },
    /** Deleted sessions leave the set (list entries of deleted rows are skipped when read). */
    forget: (appId: string, ids: string[]) => leave(appId, ids),
  };
}

export type ConversationLists = ReturnType<typeof conversationLists>;
