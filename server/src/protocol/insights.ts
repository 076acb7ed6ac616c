import { z } from 'zod';

/**
 * Insights of a session (issue #7): frustration signals, a derived text timeline and a short summary.
 * Shared by the server (computes and stores them) and the console (lists, filters and shows them).
 * See /work/notes/insights-contract.md.
 */

// The kinds alone live apart (signal-types.ts), so the console's replay need not load zod for them.
import { SIGNAL_TYPES, type SignalType } from './signal-types.js';
export { SIGNAL_TYPES, type SignalType };

export interface SessionSignal {
  type: SignalType;
  /** Epoch ms, same clock as the rrweb event timestamps (seek target in the replay). */
  ts: number;
  /** Ms since the session's recording started (for "[mm:ss]" labels). */
  offsetMs: number;
  /** Short human text, e.g. "4 clicks on “Apply coupon”". */
  label: string;
}

export interface TimelineEntry {
  ts: number;
  offsetMs: number;
  kind: string;
  text: string;
}

export interface SessionSummary {
  /** May hold "[mm:ss]" timestamps = offset from recording start. */
  text: string;
  /** Deterministic ones are labelled as such in the UI. */
  source: 'ai' | 'deterministic';
  /** ISO. */
  generatedAt: string;
}

export type InsightsStatus = 'none' | 'pending' | 'ready' | 'failed';

export interface SessionInsights {
  status: InsightsStatus;
  computedAt: string | null;
  signals: SessionSignal[];
  summary: SessionSummary | null;
  /** Only in the single-session GET, [] in lists. */
  timeline: TimelineEntry[];
  /**
   * For people: why the analysis failed (it took too long, needed too much memory), or that the
   * recording was cut at [mm:ss] because it exceeded a limit. Absent or null otherwise.
   */
  note?: string | null;
}

/** Body of `POST /api/apps/:appId/sessions/:sessionId/insights`. */
export const recomputeInsightsSchema = z
  .object({ regenerateSummary: z.boolean().default(false) })
  .strict();

export type RecomputeInsightsInput = z.infer<typeof recomputeInsightsSchema>;

export const signalTypeSchema = z.enum(SIGNAL_TYPES);
