import type { AnyBulkWriteOperation } from 'mongodb';
import type { Models } from './models.js';

/** Sessions read, and updates sent, per command (FerretDB 1.24: keep update commands far below 100 statements). */
const SESSIONS_PER_STEP = 50;

/**
 * Gives the conversations of a database from before their lifecycle (issue 18) the status they had in
 * effect, so an upgrade loses none from the Conversations views: a chat waiting for a person is
 * `waiting` (since its last message), one on an active session `open`, any other `resolved` (when its
 * session ended). Only sessions where the visitor wrote have a conversation. Each update is
 * conditional on the status still being unset, so a live move made meanwhile wins. Run once, inside
 * each implementation's migration (before the embedded read model is rebuilt from the sessions).
 */
export async function backfillConversations({ Session, Message }: Pick<Models, 'Session' | 'Message'>): Promise<number> {
  const sessionIds = await Message.collection.distinct('sessionId', { role: 'visitor' });
  let updated = 0;
  for (let i = 0; i < sessionIds.length; i += SESSIONS_PER_STEP) {
    const sessions = await Session.collection
      .find(
        { _id: { $in: sessionIds.slice(i, i + SESSIONS_PER_STEP) }, conversationStatus: null },
        { projection: { status: 1, chatState: 1, lastMessageAt: 1, endedAt: 1, startedAt: 1 } },
      )
      .toArray();
    const updates: AnyBulkWriteOperation[] = sessions.map((session) => {
      const lastAt = session.lastMessageAt ?? session.startedAt;
      const set =
        session.chatState === 'waiting'
          ? { conversationStatus: 'waiting', waitingSince: lastAt, resolvedAt: null }
          : session.status === 'active'
            ? { conversationStatus: 'open', waitingSince: null, resolvedAt: null }
            : { conversationStatus: 'resolved', waitingSince: null, resolvedAt: session.endedAt ?? lastAt };
      return { updateOne: { filter: { _id: session._id, conversationStatus: null }, update: { $set: { ...set, assigneeId: null } } } };
    });
    if (updates.length) updated += (await Session.collection.bulkWrite(updates, { ordered: false })).modifiedCount;
  }
  return updated;
}
