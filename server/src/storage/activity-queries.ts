import { Types, isValidObjectId } from 'mongoose';
import type { ActivityCounters, Cursor, PromptRow, SessionRow, SessionStatusFilter } from '../protocol/activity.js';
import type { MessageDoc } from './message-model.js';
import type { Models } from './models.js';
import type { SessionDoc } from './session-model.js';

/**
 * Read queries of the console's Sessions page and Activity tab. Each one is served by an index that
 * starts with appId (see session-model.ts, message-model.ts); lists page by (time, _id) descending so
 * a cursor is a plain range condition, never a skip.
 */

const SESSION_ROW_FIELDS = {
  visitorId: 1, visitorName: 1, status: 1, startedAt: 1, endedAt: 1, lastActivityAt: 1, landingUrl: 1,
  pageCount: 1, eventCount: 1, messageSeq: 1, chunkCount: 1,
} as const;

export function toSessionRow(doc: Partial<SessionDoc> & { _id: Types.ObjectId }): SessionRow {
  return {
    id: doc._id.toString(),
    visitorId: doc.visitorId ?? '',
    visitorName: doc.visitorName ?? '',
    status: doc.status ?? 'active',
    startedAt: (doc.startedAt ?? new Date(0)).toISOString(),
    endedAt: doc.endedAt ? doc.endedAt.toISOString() : null,
    lastActivityAt: (doc.lastActivityAt ?? doc.startedAt ?? new Date(0)).toISOString(),
    landingUrl: doc.landingUrl ?? '',
    pageCount: doc.pageCount ?? 0,
    eventCount: doc.eventCount ?? 0,
    messageCount: doc.messageSeq ?? 0,
    hasReplay: (doc.chunkCount ?? 0) > 0,
  };
}

/** Rows strictly after the cursor in (field desc, _id desc) order. */
function afterCursor(field: string, cursor: Cursor | undefined): Record<string, unknown> | null {
  if (!cursor) return null;
  const at = new Date(cursor.t);
  const id = new Types.ObjectId(cursor.id);
  return { $or: [{ [field]: { $lt: at } }, { [field]: at, _id: { $lt: id } }] };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface ActivityQueries {
  listSessions(appId: string, query: { status: SessionStatusFilter; q: string; cursor?: Cursor; limit: number }): Promise<SessionRow[]>;
  listPrompts(appId: string, query: { cursor?: Cursor; limit: number }): Promise<PromptRow[]>;
  counters(appId: string): Promise<ActivityCounters>;
  /** Sessions started and prompts sent since `from`, counted per stored bucket key. */
  bucketCounts(appId: string, unit: 'hour' | 'day', from: Date): Promise<{ sessions: Map<string, number>; prompts: Map<string, number> }>;
}

export function activityQueries({ Session, Message }: Pick<Models, 'Session' | 'Message'>): ActivityQueries {
  const appObjectId = (appId: string) => (isValidObjectId(appId) ? new Types.ObjectId(appId) : null);

  return {
    async listSessions(appId, { status, q, cursor, limit }) {
      const app = appObjectId(appId);
      if (!app) return [];
      const and: Array<Record<string, unknown>> = [];
      const page = afterCursor('startedAt', cursor);
      if (page) and.push(page);
      if (q) {
        const pattern = { $regex: escapeRegex(q), $options: 'i' };
        and.push({ $or: [{ landingUrl: pattern }, { visitorId: pattern }, { visitorName: pattern }, { visitorEmail: pattern }] });
      }
      const filter: Record<string, unknown> = { appId: app, ...(status === 'all' ? {} : { status }), ...(and.length ? { $and: and } : {}) };
      const docs = await Session.find(filter, SESSION_ROW_FIELDS).sort({ startedAt: -1, _id: -1 }).limit(limit).lean<SessionDoc[]>();
      return docs.map(toSessionRow);
    },

    async listPrompts(appId, { cursor, limit }) {
      const app = appObjectId(appId);
      if (!app) return [];
      const page = afterCursor('createdAt', cursor);
      const docs = await Message.find({ appId: app, role: 'visitor', ...(page ?? {}) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<MessageDoc[]>();
      const sessionIds = [...new Set(docs.map((doc) => String(doc.sessionId)))];
      const sessions = sessionIds.length
        ? await Session.find({ _id: { $in: sessionIds }, appId: app }, { landingUrl: 1, status: 1, chunkCount: 1 }).lean<SessionDoc[]>()
        : [];
      const byId = new Map(sessions.map((s) => [s._id.toString(), s]));
      return docs.map((doc) => {
        const session = byId.get(String(doc.sessionId));
        return {
          id: doc._id.toString(),
          sessionId: String(doc.sessionId),
          visitorId: doc.visitorId,
          text: doc.text,
          createdAt: doc.createdAt.toISOString(),
          answeredBy: doc.answeredBy === 'ai' || doc.answeredBy === 'agent' ? doc.answeredBy : 'waiting',
          session: session
            ? { landingUrl: session.landingUrl ?? '', status: session.status, hasReplay: (session.chunkCount ?? 0) > 0 }
            : null,
        };
      });
    },

    async counters(appId) {
      const app = appObjectId(appId);
      if (!app) return { total: 0, active: 0, completed: 0, events: 0 };
      const [total, active, completed, events] = await Promise.all([
        Session.countDocuments({ appId: app }),
        Session.countDocuments({ appId: app, status: 'active' }),
        Session.countDocuments({ appId: app, status: 'completed' }),
        Session.aggregate<{ events: number }>([
          { $match: { appId: app } },
          { $group: { _id: null, events: { $sum: '$eventCount' } } },
        ]),
      ]);
      return { total, active, completed, events: events[0]?.events ?? 0 };
    },

    async bucketCounts(appId, unit, from) {
      const app = appObjectId(appId);
      const key = unit === 'hour' ? '$hourKey' : '$dayKey';
      if (!app) return { sessions: new Map(), prompts: new Map() };
      // Grouped on the keys written at insert: FerretDB 1.x has no date operators.
      const [sessions, prompts] = await Promise.all([
        Session.aggregate<{ _id: string; n: number }>([
          { $match: { appId: app, startedAt: { $gte: from } } },
          { $group: { _id: key, n: { $sum: 1 } } },
        ]),
        Message.aggregate<{ _id: string; n: number }>([
          { $match: { appId: app, role: 'visitor', createdAt: { $gte: from } } },
          { $group: { _id: key, n: { $sum: 1 } } },
        ]),
      ]);
      return {
        sessions: new Map(sessions.map((row) => [row._id, row.n])),
        prompts: new Map(prompts.map((row) => [row._id, row.n])),
      };
    },
  };
}
