import type { SessionInsights } from '../../../server/src/protocol/insights.js';
import { ApiError, request } from '../api-client.js';

const path = (appId: string, sessionId: string) => `/apps/${encodeURIComponent(appId)}/sessions/${encodeURIComponent(sessionId)}/insights`;

/** Accepts the insights bare or wrapped as `{ insights }`, the two envelope styles of this API. */
type Envelope = SessionInsights | { insights: SessionInsights };
const unwrap = (data: Envelope): SessionInsights => ('insights' in data ? data.insights : data);

/** A recording the server could not analyse within its limits: shown as failed, with the server's reason. */
const failedInsights = (note: string): SessionInsights => ({ status: 'failed', computedAt: null, signals: [], summary: null, timeline: [], note });

/** A session's insights: read them, or have the server work them out again now. */
export const insightsApi = {
  get: async (appId: string, sessionId: string) => {
    try {
      return unwrap(await request<Envelope>('GET', path(appId, sessionId)));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'E_ANALYSIS_FAILED') return failedInsights(error.message);
      throw error;
    }
  },
  /** Recomputes signals and timeline; the stored summary is kept unless `regenerateSummary`. */
  recompute: async (appId: string, sessionId: string, regenerateSummary: boolean) =>
    unwrap(await request<Envelope>('POST', path(appId, sessionId), { regenerateSummary })),
};
