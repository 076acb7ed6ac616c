import { isValidObjectId } from 'mongoose';
import { MAX_STORED_PAGES } from '../protocol/limits.js';
import type { ActivityCountersStore } from './activity-counters.js';
import type { Models } from './models.js';
import type { SessionsRepository } from './ports.js';
import { toSession } from './records.js';
import type { SessionDoc } from './session-model.js';
import { visitorKey, type VisitorDoc } from './visitor-model.js';
import { recentSessions, type RecentSessions } from './recent-sessions.js';
import type { WriteHooks } from './write-hooks.js';

/**
 * Writes of session documents, the same on every implementation: each one a single atomic operator
 * update (or insert), and every transition conditional — `complete` matches `{_id, status: 'active'}`,
 * so exactly one caller wins, and only the winner counts it and tells the implementation.
 */
export function sessionsRepository(
  { Session, Visitor }: Pick<Models, 'Session' | 'Visitor'>,
  counters: ActivityCountersStore,
  hooks: WriteHooks,
  /** What the reads add to a session document as stored (this node's derived state not written yet). */
  view: (doc: SessionDoc) => SessionDoc = (doc) => doc,
  recent: RecentSessions = recentSessions(),
): Omit<SessionsRepository, 'listActive'> {
  const byId = (id: string) => (isValidObjectId(id) ? id : null);
  return {
    async create(input) {
      const created = await Session.create({
        ...input,
        status: 'active',
        lastActivityAt: input.startedAt,
        pages: [{ url: input.landingUrl, at: input.startedAt }],
        pageCount: 1,
        countedThrough: 0,
        countedAbove: [],
        ...hooks.sessionFields(input),
      });
      const doc = created.toObject() as SessionDoc;
      const id = doc._id.toString();
      // In every list and set first: nobody can end a session its visitor does not point at yet.
      await Promise.all([hooks.sessionStarted(doc), counters.sessionStarted(String(input.appId), input.startedAt)]);
      const visitor = await Visitor.findOneAndUpdate(
        { _id: visitorKey(input.appId, input.visitorId) },
        {
          $set: { activeSessionId: id, lastSeenAt: input.startedAt },
          $setOnInsert: { appId: input.appId, visitorId: input.visitorId, firstSeenAt: input.startedAt },
          ...hooks.visitorUpdate(id),
        },
        { upsert: true, returnDocument: 'after' },
      ).lean<VisitorDoc>();
      if (visitor) await hooks.visitorUpdated(visitor);
      return toSession(doc);
    },
    async findById(id) {
      if (!byId(id)) return null;
      const doc = await Session.findById(id).lean<SessionDoc>();
      return doc ? toSession(view(doc)) : null;
    },
    async findRecent(id) {
      if (!byId(id)) return null;
      let doc = recent.get(id);
      if (!doc) {
        doc = await Session.findById(id).lean<SessionDoc>();
        if (doc) recent.set(id, doc);
      }
      return doc ? toSession(view(doc)) : null;
    },
    async findActiveForVisitor(appId, visitorId) {
      if (!byId(appId)) return null;
      const visitor = await Visitor.findById(visitorKey(appId, visitorId)).lean<VisitorDoc>();
      if (!visitor?.activeSessionId) return null;
      const doc = await Session.findById(visitor.activeSessionId).lean<SessionDoc>();
      return doc && doc.status === 'active' ? toSession(view(doc)) : null;
    },
    async addPage(id, url, at) {
      if (!byId(id)) return null;
      // The list keeps its first MAX_STORED_PAGES entries; pageCount counts them all. ($push's $slice
      // is ignored by FerretDB 1.x: an entry past the cap is taken off the end again, by `$pop`.)
      const after = await Session.findOneAndUpdate(
        { _id: id },
        // The visitor is back (a new page view, or the page again after a network loss): not departed any more.
        { $push: { pages: { url, at } }, $inc: { pageCount: 1 }, $max: { lastActivityAt: at }, $set: { disconnectedAt: null } },
        { returnDocument: 'after' },
      ).lean<SessionDoc>();
      if (!after || after.pages.length <= MAX_STORED_PAGES) return after ? toSession(after) : null;
      const trimmed = await Session.findOneAndUpdate({ _id: id }, { $pop: { pages: 1 } }, { returnDocument: 'after' }).lean<SessionDoc>();
      return trimmed ? toSession(trimmed) : null;
    },
    async touch(id, at) {
      if (!byId(id)) return;
      await Session.updateOne({ _id: id }, { $max: { lastActivityAt: at } });
    },
    async complete(id, at, reason) {
      if (!byId(id)) return null;
      const doc = await Session.findOneAndUpdate(
        { _id: id, status: 'active' },
        { $set: { status: 'completed', endedAt: at, endReason: reason } },
        { returnDocument: 'after' },
      ).lean<SessionDoc>();
      recent.forget([id]);
      if (!doc) return null;
      await Promise.all([counters.sessionCompleted(String(doc.appId)), hooks.sessionCompleted(doc)]);
      return toSession(doc);
    },
    async forgetVisitor(appId, visitorId) {
      await Visitor.deleteOne({ _id: visitorKey(appId, visitorId) });
    },
  };
}
