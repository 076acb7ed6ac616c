import { isValidObjectId } from 'mongoose';
import type { InsightsStatus } from '../protocol/insights.js';
import { activityIndexFor } from './activity-index.js';
import type { Models } from './models.js';
import type { InsightsStore, MessagesRepository, StoredInsights } from './ports.js';
import { serializeSessionWrite } from './session-writes.js';

/** Messages of a session read for the signal filter's prompt lists. */
const MAX_LISTED_PROMPTS = 2_000;

/**
 * Insights stored with their session (issue #7): `insights` and the `signalTypes` the Sessions list
 * filters on. Read and written by `_id` only (the one filter FerretDB 1.x pushes down), and every write
 * goes through serializeSessionWrite like all other writers of a session document.
 */

const EMPTY: StoredInsights = { status: 'none', computedAt: null, signals: [], summary: null };

export function insightsStore({ Session, ActivityIndex }: Pick<Models, 'Session' | 'ActivityIndex'>, messages: MessagesRepository): InsightsStore {
  const index = activityIndexFor(ActivityIndex);
  async function read(sessionId: string): Promise<StoredInsights | null> {
    const doc = await Session.findById(sessionId, { insights: 1 }).lean<{ insights?: Partial<StoredInsights> | null }>();
    if (!doc) return null;
    const stored = doc.insights ?? {};
    return {
      status: stored.status ?? 'none',
      computedAt: stored.computedAt ?? null,
      signals: (stored.signals ?? []).map(({ type, ts, offsetMs, label }) => ({ type, ts, offsetMs, label })),
      summary: stored.summary?.text ? stored.summary : null,
    };
  }
  // The whole `insights` object is written each time: `$set` of a dotted path fails on MongoDB while it is null.
  const setStatus = (sessionId: string, status: InsightsStatus) =>
    serializeSessionWrite(sessionId, async () => {
      const current = (await read(sessionId)) ?? EMPTY;
      await Session.updateOne({ _id: sessionId }, { $set: { insights: { ...current, status } } });
    });

  return {
    async get(sessionId) {
      return isValidObjectId(sessionId) ? read(sessionId) : null;
    },
    async markPending(sessionId) {
      if (isValidObjectId(sessionId)) await setStatus(sessionId, 'pending');
    },
    async markFailed(sessionId) {
      if (isValidObjectId(sessionId)) await setStatus(sessionId, 'failed');
    },
    async save(session, insights, signalTypes) {
      if (!isValidObjectId(session.id)) return;
      await serializeSessionWrite(session.id, () => Session.updateOne({ _id: session.id }, { $set: { insights, signalTypes } }));
      if (!signalTypes.length) return;
      const prompts = (await messages.listAfter(session.id, 0, MAX_LISTED_PROMPTS)).filter((message) => message.role === 'visitor');
      index.signalsFound(session, signalTypes, prompts.map((message) => ({ t: message.createdAt.getTime(), id: message.id })));
    },
  };
}
