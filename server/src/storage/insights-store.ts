import { isValidObjectId } from 'mongoose';
import type { InsightsStatus, SessionSignal, SignalType } from '../protocol/insights.js';
import type { Entry } from './activity-index-model.js';
import { activityIndexFor, type IndexedSession } from './activity-index.js';
import type { Models } from './models.js';
import { serializeSessionWrite } from './session-writes.js';

/**
 * Insights stored with their session (issue #7): `insights` and the `signalTypes` the Sessions list
 * filters on. Read and written by `_id` only (the one filter FerretDB 1.x pushes down), and every write
 * goes through serializeSessionWrite like all other writers of a session document.
 */

export interface StoredSummary {
  text: string;
  source: 'ai' | 'deterministic';
  generatedAt: Date;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
}

export interface StoredInsights {
  status: InsightsStatus;
  computedAt: Date | null;
  signals: SessionSignal[];
  summary: StoredSummary | null;
  /** Why the analysis failed, or where the recording was cut; null (or absent) otherwise. */
  note?: string | null;
}

export interface InsightsStore {
  get(sessionId: string): Promise<StoredInsights | null>;
  /** Marks the computation under way, keeping what was stored before. */
  markPending(sessionId: string): Promise<void>;
  /** Marks the computation failed, with a note for people saying why. */
  markFailed(sessionId: string, note: string): Promise<void>;
  /** Stores the insights; the session and its prompts join the lists of the signal filter. */
  save(session: IndexedSession, insights: StoredInsights, signalTypes: SignalType[], prompts: Entry[]): Promise<void>;
}

const EMPTY: StoredInsights = { status: 'none', computedAt: null, signals: [], summary: null, note: null };

export function insightsStore({ Session, ActivityIndex }: Pick<Models, 'Session' | 'ActivityIndex'>): InsightsStore {
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
      note: typeof stored.note === 'string' ? stored.note : null,
    };
  }
  // The whole `insights` object is written each time: `$set` of a dotted path fails on MongoDB while it is null.
  const setStatus = (sessionId: string, status: InsightsStatus, note?: string) =>
    serializeSessionWrite(sessionId, async () => {
      const current = (await read(sessionId)) ?? EMPTY;
      await Session.updateOne({ _id: sessionId }, { $set: { insights: { ...current, status, note: note ?? current.note ?? null } } });
    });

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
    async save(session, insights, signalTypes, prompts) {
      if (!isValidObjectId(session.id)) return;
      await serializeSessionWrite(session.id, () => Session.updateOne({ _id: session.id }, { $set: { insights, signalTypes } }));
      index.signalsFound(session, signalTypes, prompts);
    },
  };
}
