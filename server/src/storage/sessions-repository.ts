import { isValidObjectId, type Model } from 'mongoose';
import { dayKey, hourKey } from '../sessions/time-buckets.js';
import type { SessionRecord, SessionsRepository } from './repositories.js';
import type { SessionDoc } from './session-model.js';

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
    userAgent: doc.userAgent ?? '',
    viewport: { width: doc.viewport?.width ?? 0, height: doc.viewport?.height ?? 0 },
  };
}

export function sessionsRepository(Session: Model<SessionDoc>): SessionsRepository {
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
      });
      return toSession(doc.toObject());
    },
    async findById(id) {
      if (!byId(id)) return null;
      const doc = await Session.findById(id).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },
    async findActiveForVisitor(appId, visitorId) {
      if (!byId(appId)) return null;
      const doc = await Session.findOne({ appId, visitorId, status: 'active' }).sort({ startedAt: -1 }).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },
    async addPage(id, url, at) {
      if (!byId(id)) return null;
      const doc = await Session.findOneAndUpdate(
        { _id: id },
        { $push: { pages: { url, at } }, $inc: { pageCount: 1 }, $set: { lastActivityAt: at } },
        { new: true },
      ).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },
    async touch(id, at) {
      if (!byId(id)) return;
      await Session.updateOne({ _id: id, status: 'active' }, { $set: { lastActivityAt: at } });
    },
    async complete(id, at, reason) {
      if (!byId(id)) return null;
      const doc = await Session.findOneAndUpdate(
        { _id: id, status: 'active' },
        { $set: { status: 'completed', endedAt: at, endReason: reason } },
        { new: true },
      ).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },
    async listIdle(before, limit) {
      const docs = await Session.find({ status: 'active', lastActivityAt: { $lt: before } })
        .sort({ lastActivityAt: 1 })
        .limit(limit)
        .lean<SessionDoc[]>();
      return docs.map(toSession);
    },
  };
}
