import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import { CONVERSATION_STATUSES_OF } from '../conversation-filter.js';
import { matchesSearch, MIN_INDEXED_QUERY_CHARS, normalizeQuery } from '../../activity/session-search.js';
import type { PromptRow, SessionRow } from '../../protocol/activity.js';
import type { ActivityCountersStore } from '../activity-counters.js';
import type { MessageDoc } from '../message-model.js';
import type { Models } from '../models.js';
import type { ActivityStore, ListKey, ListPosition, NewestFirst } from '../ports.js';
import { toPromptRow, toSessionRow } from '../records.js';
import type { SessionDoc } from '../session-model.js';
import { GRAM_COUNT_LIMIT, literalPattern, queryGrams } from './search-fields.js';

/** What a row of the lists reads of a session: not its page list, search fields or signal details. */
const ROW_FIELDS = { pages: 0, searchGrams: 0, searchText: 0, countedAbove: 0, 'insights.signals': 0 } as const;

/** A cursor is the last key given, base64url JSON; anything else is refused. */
const cursorShape = z.object({ t: z.number().int().min(0), id: z.string().regex(/^[0-9a-f]{24}$/) }).strict();

/**
 * The Sessions page's and the Activity tab's sources on MongoDB: each a query sorted newest first
 * on an index of native-indexes.ts, continued strictly before the last key it gave — every filter
 * (status, signal, search) in the query itself, so a page reads the rows it shows.
 */
export function nativeActivityStore({ Session, Message }: Pick<Models, 'Session' | 'Message'>, counters: ActivityCountersStore): ActivityStore {
  const valid = (appId: string) => isValidObjectId(appId) && String(new Types.ObjectId(appId)) === appId;

  /** Rows of `model` matching `filter`, newest first by `timeField` then `_id`, strictly older than `from`. */
  function newestFirst<D extends { _id: Types.ObjectId }, R>(
    model: Model<any>,
    filter: Record<string, unknown>,
    timeField: 'startedAt' | 'createdAt',
    from: ListKey | undefined,
    toRows: (docs: D[]) => Promise<Array<R | null>>,
  ): NewestFirst<R> {
    let after = from;
    const fetched = new Map<string, D>();
    return {
      async next(max) {
        const before = after
          ? { $or: [{ [timeField]: { $lt: new Date(after.t) } }, { [timeField]: new Date(after.t), _id: { $lt: new Types.ObjectId(after.id) } }] }
          : {};
        const docs = await model.find({ ...filter, ...before }, ROW_FIELDS_OF[timeField]).sort({ [timeField]: -1, _id: -1 }).limit(max).lean<D[]>();
        const keys = docs.map((doc) => {
          fetched.set(doc._id.toString(), doc);
          return { t: new Date((doc as unknown as Record<string, Date>)[timeField]).getTime(), id: doc._id.toString() };
        });
        if (keys.length) after = keys[keys.length - 1];
        return keys;
      },
      async rows(keys) {
        // The rows were read with their keys: nothing more to fetch.
        const docs = keys.flatMap((key) => (fetched.has(key.id) ? [fetched.get(key.id)!] : []));
        const rows = await toRows(docs);
        const byId = new Map(docs.map((doc, i) => [doc._id.toString(), rows[i]]));
        return keys.map((key) => byId.get(key.id) ?? null);
      },
    };
  }

  /** The trigram of the query held by the fewest of the application's sessions (counted up to a bound); null: one is held by none. */
  async function rarestGram(appId: Types.ObjectId, q: string): Promise<string | null | undefined> {
    const grams = queryGrams(q);
    if (!grams.length) return undefined;
    const counts = await Promise.all(grams.map((gram) => Session.countDocuments({ appId, searchGrams: gram }, { limit: GRAM_COUNT_LIMIT })));
    const rarest = counts.reduce((best, count, i) => (count < counts[best] ? i : best), 0);
    return counts[rarest] === 0 ? null : grams[rarest];
  }

  return {
    async sessions(appId, { status, q, signal, conversation }, from) {
      if (!valid(appId)) return null;
      const app = new Types.ObjectId(appId);
      const filter: Record<string, unknown> = { appId: app };
      if (status !== 'all') filter.status = status;
      if (signal) filter.signalTypes = signal;
      if (conversation) filter.conversationStatus = { $in: CONVERSATION_STATUSES_OF[conversation] };
      const text = normalizeQuery(q);
      if (text.length >= MIN_INDEXED_QUERY_CHARS) {
        const gram = await rarestGram(app, text);
        if (gram === null) return null;
        Object.assign(filter, { searchGrams: gram, searchText: { $regex: literalPattern(text) } });
      }
      // Shorter queries walk every session (under the scan budget); each row is checked here too.
      return newestFirst<SessionDoc, SessionRow>(Session, filter, 'startedAt', from, async (docs) =>
        docs.map((doc) => (!text || matchesSearch(doc, text) ? toSessionRow(doc) : null)),
      );
    },

    async prompts(appId, { signal }, from) {
      if (!valid(appId)) return null;
      const filter: Record<string, unknown> = { appId: new Types.ObjectId(appId), role: 'visitor' };
      if (signal) filter.sessionSignals = signal;
      return newestFirst<MessageDoc, PromptRow>(Message, filter, 'createdAt', from, async (docs) => {
        const sessionIds = [...new Set(docs.map((doc) => String(doc.sessionId)))];
        const sessions = new Map(
          (await Session.find({ _id: { $in: sessionIds } }, { landingUrl: 1, status: 1, chunkCount: 1, signalTypes: 1 }).lean<SessionDoc[]>()).map((s) => [s._id.toString(), s]),
        );
        return docs.map((doc) => {
          const session = sessions.get(String(doc.sessionId));
          if (signal && !(session?.signalTypes ?? []).includes(signal)) return null;
          return toPromptRow(doc, session);
        });
      });
    },

    counters: (appId) => (valid(appId) ? counters.counters(appId) : Promise.resolve({ total: 0, active: 0, completed: 0, events: 0 })),
    bucketCounts: (appId, unit, keys) => (valid(appId) ? counters.bucketCounts(appId, unit, keys) : Promise.resolve({ sessions: new Map(), prompts: new Map() })),

    encodeCursor: ({ t, id }: ListPosition) => Buffer.from(JSON.stringify({ t, id }), 'utf8').toString('base64url'),
    decodeCursor(cursor) {
      try {
        const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
        return parsed.success ? { ...parsed.data, resume: {} } : null;
      } catch {
        return null;
      }
    },
  };
}

const ROW_FIELDS_OF = { startedAt: ROW_FIELDS, createdAt: {} } as const;
