import { isValidObjectId, type Model } from 'mongoose';
import { MAX_STORED_PAGES } from '../protocol/limits.js';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import type { SessionRecord, SessionsRepository } from './repositories.js';
import type { SessionDoc } from './session-model.js';
import { serializeSessionWrite } from './session-writes.js';
import { MAX_VISITOR_SESSIONS, visitorKey, type ActiveSessionDoc, type VisitorDoc } from './visitor-model.js';
import type { ActivityIndex } from './activity-index.js';

export function toSession(doc: SessionDoc): SessionRecord {
  return {
    id: doc._id.toString(),
    appId: String(doc.appId),
    visitorId: doc.visitorId,
    status: doc.status,
    startedAt: doc.startedAt,
    lastActivityAt: doc.lastActivityAt,
    endedAt: doc.endedAt ?? null,
    endReason: doc.endReason ?? null,
    landingUrl: doc.landingUrl ?? '',
    pages: (doc.pages ?? []).map((page) => ({ url: page.url ?? '', at: page.at ?? doc.startedAt })),
    pageCount: doc.pageCount ?? 0,
    eventCount: doc.eventCount ?? 0,
    bytes: doc.bytes ?? 0,
    chunkCount: doc.chunkCount ?? 0,
    maxSeq: doc.maxSeq ?? 0,
    recordingStopped: doc.recordingStopped ?? null,
    userAgent: doc.userAgent ?? '',
    viewport: { width: doc.viewport?.width ?? 0, height: doc.viewport?.height ?? 0 },
  };
}

/** Every query here filters on `_id` alone, the only filter FerretDB 1.x on SQLite can use (see visitor-model.ts). */
export function sessionsRepository(
  Session: Model<SessionDoc>,
  Visitor: Model<VisitorDoc>,
  ActiveSession: Model<ActiveSessionDoc>,
  /** Console counters, chart buckets and lists, kept in step with each start and completion. */
  index?: ActivityIndex,
): SessionsRepository {
  const byId = (id: string) => (isValidObjectId(id) ? id : null);
  return {
    async create(input) {
      const doc = await Session.create({
        ...input,
        status: 'active',
        lastActivityAt: input.startedAt,
        pages: [{ url: input.landingUrl, at: input.startedAt }],
        pageCount: 1,
        hourKey: hourKey(input.startedAt),
        dayKey: dayKey(input.startedAt),
        messagePages: true,
      });
      const id = doc._id.toString();
      await ActiveSession.create({ _id: id, appId: input.appId, startedAt: input.startedAt });
      const key = visitorKey(input.appId, input.visitorId);
      await serializeSessionWrite(key, async () => {
        const visitor = await Visitor.findById(key, { sessionIds: 1 }).lean<Pick<VisitorDoc, 'sessionIds'>>();
        // A visitor from before the session list keeps none (its history is found by query).
        const history = visitor && visitor.sessionIds === undefined ? null : (visitor?.sessionIds ?? '').split(',').filter(Boolean);
        await Visitor.updateOne(
          { _id: key },
          {
            $set: { activeSessionId: id, lastSeenAt: input.startedAt, ...(history ? { sessionIds: [...history, id].slice(-MAX_VISITOR_SESSIONS).join(',') } : {}) },
            $setOnInsert: { appId: input.appId, visitorId: input.visitorId, firstSeenAt: input.startedAt },
          },
          { upsert: true },
        );
      });
      const indexed = { appId: String(input.appId), id, startedAt: input.startedAt };
      await index?.sessionStarted(indexed);
      index?.sessionSearchable(indexed, { landingUrl: input.landingUrl, visitorId: input.visitorId });
      return toSession(doc.toObject());
    },
    async findById(id) {
      if (!byId(id)) return null;
      const doc = await Session.findById(id).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },
    async findActiveForVisitor(appId, visitorId) {
      if (!byId(appId)) return null;
      const visitor = await Visitor.findById(visitorKey(appId, visitorId)).lean<VisitorDoc>();
      if (!visitor?.activeSessionId) return null;
      const doc = await Session.findById(visitor.activeSessionId).lean<SessionDoc>();
      return doc && doc.status === 'active' ? toSession(doc) : null;
    },
    async addPage(id, url, at) {
      if (!byId(id)) return null;
      // The list keeps its first MAX_STORED_PAGES entries; pageCount counts them all. ($push's $slice
      // is ignored by FerretDB 1.x: the entry past the cap is taken off again, by `_id`, as one step.)
      const doc = await serializeSessionWrite(id, async () => {
        const after = await Session.findOneAndUpdate(
          { _id: id },
          { $push: { pages: { url, at } }, $inc: { pageCount: 1 }, $set: { lastActivityAt: at } },
          { returnDocument: 'after' },
        ).lean<SessionDoc>();
        if (!after || after.pages.length <= MAX_STORED_PAGES) return after;
        return Session.findOneAndUpdate({ _id: id }, { $pop: { pages: 1 } }, { returnDocument: 'after' }).lean<SessionDoc>();
      });
      return doc ? toSession(doc) : null;
    },
    async touch(id, at) {
      if (!byId(id)) return;
      await serializeSessionWrite(id, () => Session.updateOne({ _id: id }, { $set: { lastActivityAt: at } }));
    },
    async complete(id, at, reason) {
      if (!byId(id)) return null;
      // Read, then write by `_id` alone (see above), as one serialized step: a second completer finds
      // it completed and stops.
      const doc = await serializeSessionWrite(id, async () => {
        const current = await Session.findById(id, { status: 1 }).lean<{ status: string }>();
        if (current?.status !== 'active') return null;
        return Session.findOneAndUpdate(
          { _id: id },
          { $set: { status: 'completed', endedAt: at, endReason: reason } },
          { returnDocument: 'after' },
        ).lean<SessionDoc>();
      });
      if (!doc) return null;
      await ActiveSession.deleteOne({ _id: id });
      await index?.sessionCompleted({ appId: String(doc.appId), id, startedAt: doc.startedAt });
      return doc ? toSession(doc) : null;
    },
    listActive: () => listActive(Session, ActiveSession),
    async forgetVisitor(appId, visitorId) {
      await Visitor.deleteOne({ _id: visitorKey(appId, visitorId) });
    },
  };
}

/** Active sessions, read by `_id` through the small active set. */
async function listActive(Session: Model<SessionDoc>, ActiveSession: Model<ActiveSessionDoc>): Promise<SessionRecord[]> {
  const ids = await ActiveSession.find({}, { _id: 1 }).lean<Array<{ _id: string }>>();
  const sessions: SessionRecord[] = [];
  for (const { _id } of ids) {
    const doc = await Session.findById(_id).lean<SessionDoc>();
    if (doc?.status === 'active') sessions.push(toSession(doc));
    else await ActiveSession.deleteOne({ _id }); // completed elsewhere or erased
  }
  return sessions;
}
