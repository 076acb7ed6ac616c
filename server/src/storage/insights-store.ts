import { isValidObjectId } from 'mongoose';
import type { InsightsStatus } from '../protocol/insights.js';
import type { Models } from './models.js';
import type { InsightsStore, StoredInsights } from './ports.js';
import type { WriteHooks } from './write-hooks.js';

/**
 * Insights stored with their session (issue #7): `insights` and the `signalTypes` the Sessions list
 * filters on, each write one atomic update of the session document.
 */
const EMPTY: StoredInsights = { status: 'none', computedAt: null, signals: [], summary: null, note: null };

export function insightsStore({ Session }: Pick<Models, 'Session'>, hooks: WriteHooks): InsightsStore {
  async function read(sessionId: string): Promise<StoredInsights | null> {
    const doc = await Session.findById(sessionId, { insights: 1 }).lean<{ insights?: Partial<StoredInsights> | null }>();
    if (!doc) return null;
    const stored = doc.insights ?? {};
    return {
      status: stored.status ?? 'none',
      computedAt: stored.computedAt ?? null,
      signals: (stored.signals ?? []).map(({ type, ts, offsetMs, label }) => ({ type, ts, offsetMs, label })),
      summary: stored.summary?.text ? stored.summary : null,
      note: typeof stored.note === 'string' ? stored.note : null,
    };
  }
  /**
   * The status alone, keeping what was stored: a dotted `$set` where insights exist, the whole empty
   * object where they do not (a dotted path fails on MongoDB while its parent is null). Each is
   * conditional, so a concurrent save is never overwritten.
   */
  async function setStatus(sessionId: string, status: InsightsStatus, note?: string) {
    const fields = { 'insights.status': status, ...(note === undefined ? {} : { 'insights.note': note }) };
    const set = await Session.updateOne({ _id: sessionId, insights: { $type: 'object' } }, { $set: fields });
    if (set.matchedCount === 0) await Session.updateOne({ _id: sessionId, insights: null }, { $set: { insights: { ...EMPTY, status, note: note ?? null } } });
  }

  return {
    async get(sessionId) {
      return isValidObjectId(sessionId) ? read(sessionId) : null;
    },
    async markPending(sessionId) {
      if (isValidObjectId(sessionId)) await setStatus(sessionId, 'pending');
    },
    async markFailed(sessionId, note) {
      if (isValidObjectId(sessionId)) await setStatus(sessionId, 'failed', note);
    },
    async save(session, insights, signalTypes) {
      if (!isValidObjectId(session.id)) return;
      await Session.updateOne({ _id: session.id }, { $set: { insights, signalTypes } });
      await hooks.signalsSaved(session, signalTypes);
    },
  };
}
