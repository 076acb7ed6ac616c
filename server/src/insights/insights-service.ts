import type { Logger } from 'pino';
import type { AppsService } from '../apps/apps-service.js';
import { NOTES } from '../chat/chat-service.js';
import { AppError } from '../http/app-error.js';
import type { SessionInsights, TimelineEntry } from '../protocol/insights.js';
import { INSIGHTS_TASK_TIMEOUT_MS } from '../protocol/limits.js';
import { dayKey } from '../protocol/utc-buckets.js';
import type { AppRecord, InsightsStore, Repositories, SessionRecord, StoredInsights, StoredSummary, UserRecord } from '../storage/ports.js';
import { WorkerTaskError, type WorkerFailure, type WorkerPool } from '../workers/worker-pool.js';
import type { HeatmapsService } from '../heatmaps/heatmaps-service.js';
import type { Analysis, AnalysisInput } from './analyze-recording.js';
import { createInsightsQueue, InsightsQueueFull } from './insights-queue.js';
import { readRecordedChunks } from './recorded-chunks.js';
import { distinctTypes } from './signals.js';
import { deterministicSummary, MAX_SUMMARY_CHARS, type AiSummarizer, type SummaryInput } from './summaries.js';

/** Messages of one session read for its insights. */
const MAX_INSIGHT_MESSAGES = 2_000;
/** Completed sessions waiting for their analysis; past it one is marked failed (the server is overloaded). */
const MAX_QUEUED_ANALYSES = 10_000;
const CAP_REACHED_NOTE = '(AI summary skipped: the daily AI token limit was reached.)';

export interface InsightsServiceDeps {
  repos: Repositories;
  store: InsightsStore;
  apps: AppsService;
  summarizer: AiSummarizer | null;
  /** The analysis (decode, join, facts, signals, timeline) runs here, never on the event loop. */
  workers: WorkerPool;
  logger: Logger;
  now?: () => Date;
  /** Time limit of one analysis (tests shorten it). */
  taskTimeoutMs?: number;
  /** Where a completed session's clicks and scrolls are counted, from the same analysis (issue 22, part 4). */
  heatmaps?: Pick<HeatmapsService, 'sessionAnalysed'>;
  /** Told when a session's insights were stored (the console hears `session:changed`). */
  onReady?: (session: SessionRecord) => void;
  /** A completed session's background analysis ended (ready or failed): the webhooks' `session.completed`. */
  onCompletedAnalysed?: (session: SessionRecord, insights: StoredInsights | null) => Promise<void> | void;
}

export interface InsightsService {
  /**
   * Stored signals and summary with a freshly derived timeline, for a member of the session's app.
   * E_ANALYSIS_FAILED when the analysis fails within its limits, now or before (it is not run again
   * until asked with `recompute`); E_UNAVAILABLE when the server is too busy to run it.
   */
  get(user: UserRecord, appId: string, sessionId: string): Promise<SessionInsights>;
  /** Computes signals and timeline now; a new summary only with `regenerateSummary` (or when none is stored). */
  recompute(user: UserRecord, appId: string, sessionId: string, options: { regenerateSummary: boolean }): Promise<SessionInsights>;
  /** A session completed: its insights are computed in the background; failures are stored and logged, never thrown. */
  sessionCompleted(session: SessionRecord): void;
  /** Resolves once every queued computation has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** An analysis that could not finish within its limits; `note` tells people why. */
class AnalysisFailed extends Error {
  constructor(
    readonly note: string,
    readonly transient: boolean,
  ) {
    super(note);
  }
}

export function createInsightsService(deps: InsightsServiceDeps): InsightsService {
  const { repos, store, logger, workers } = deps;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.taskTimeoutMs ?? INSIGHTS_TASK_TIMEOUT_MS;
  const queue = createInsightsQueue(MAX_QUEUED_ANALYSES);
  // Background computations in flight (their promise is what `idle` waits for besides the queue).
  const background = new Set<Promise<unknown>>();

  // Another application's session answers exactly like a missing one: 404, nothing learnt.
  async function sessionOf(user: UserRecord, appId: string, sessionId: string): Promise<{ app: AppRecord; session: SessionRecord }> {
    const app = await deps.apps.getFor(user, appId);
    const session = await repos.sessions.findById(sessionId);
    if (!session || session.appId !== appId) throw new AppError('E_NOT_FOUND');
    return { app, session };
  }

  /** Reads (bounded by bytes) here; decodes and analyses in a worker thread, within its time and heap limits. */
  async function analyze(session: SessionRecord): Promise<Analysis> {
    const [recording, messages] = await Promise.all([readRecordedChunks(repos, session.id), repos.messages.listAfter(session.id, 0, MAX_INSIGHT_MESSAGES)]);
    const input: AnalysisInput = {
      chunks: recording.chunks,
      seqs: recording.seqs,
      cutReason: recording.cutReason,
      messages: messages.map(({ id, role, text, createdAt }) => ({ id, role, text, createdAt })),
      askedForHumanNote: NOTES.askedForHuman,
      session: { startedAt: session.startedAt.getTime(), endedAt: session.endedAt?.getTime() ?? null, endReason: session.endReason },
    };
    try {
      return await workers.run('insights:analyze', input, { timeoutMs, transferList: recording.chunks.map((chunk) => chunk.buffer as ArrayBuffer) });
    } catch (error) {
      if (!(error instanceof WorkerTaskError)) throw error;
      logger.warn({ err: error, sessionId: session.id }, 'session analysis stopped');
      throw new AnalysisFailed(failureNote(error.reason, timeoutMs), error.reason === 'busy' || error.reason === 'closed');
    }
  }

  /** The analysis through the queue; a failure within limits answers with a code and a note for people. */
  async function analyzeQueued(lane: 'urgent' | 'background', session: SessionRecord): Promise<Analysis> {
    try {
      return await queue.run(lane, session.id, () => analyze(session));
    } catch (error) {
      if (error instanceof InsightsQueueFull) throw new AppError('E_UNAVAILABLE', BUSY_NOTE);
      if (error instanceof AnalysisFailed) throw new AppError(error.transient ? 'E_UNAVAILABLE' : 'E_ANALYSIS_FAILED', error.note);
      throw error;
    }
  }

  async function summarize(app: AppRecord, input: SummaryInput): Promise<StoredSummary> {
    const deterministic = (note?: string): StoredSummary => ({
      text: (note ? `${deterministicSummary(input)} ${note}` : deterministicSummary(input)).slice(0, MAX_SUMMARY_CHARS),
      source: 'deterministic',
      generatedAt: now(),
      model: null,
      inputTokens: 0,
      outputTokens: 0,
    });
    // The owner's AI switch is honoured here too; an empty session is not worth a request.
    if (!deps.summarizer || !app.settings.ai.enabled || input.timeline.length === 0) return deterministic();
    const day = dayKey(now());
    if ((await repos.aiUsage.tokensOn(app.id, day)) >= app.settings.ai.dailyTokenCap) return deterministic(CAP_REACHED_NOTE);
    try {
      const reply = await deps.summarizer.summarize(input);
      await repos.aiUsage.add(app.id, day, reply.inputTokens + reply.outputTokens);
      if (!reply.text) return deterministic();
      return { text: reply.text, source: 'ai', generatedAt: now(), model: reply.model, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens };
    } catch (error) {
      logger.warn({ err: error, appId: app.id }, 'AI session summary failed; stored the deterministic one');
      return deterministic();
    }
  }

  async function compute(lane: 'urgent' | 'background', app: AppRecord, session: SessionRecord, regenerateSummary: boolean): Promise<{ stored: StoredInsights; timeline: TimelineEntry[] }> {
    await store.markPending(session.id);
    try {
      const analysis = await analyzeQueued(lane, session);
      const previous = await store.get(session.id);
      const summary = previous?.summary && !regenerateSummary ? previous.summary : await summarize(app, analysis.summaryInput);
      const stored: StoredInsights = { status: 'ready', computedAt: now(), signals: analysis.signals, summary, note: analysis.note };
      await store.save(session, stored, distinctTypes(analysis.signals));
      // Counted once per session whichever analysis (or process) gets here first; a failure costs the heatmap only.
      await deps.heatmaps?.sessionAnalysed(session, analysis.heatmap).catch((error: Error) => logger.error({ err: error, sessionId: session.id }, 'heatmap counts failed'));
      deps.onReady?.((await repos.sessions.findById(session.id)) ?? session);
      return { stored, timeline: analysis.timeline };
    } catch (error) {
      // Never left pending: the note says why (a limit, a busy server), and nothing retries it unasked.
      await store.markFailed(session.id, error instanceof AppError ? error.message : 'The analysis failed.').catch(() => undefined);
      throw error;
    }
  }

  return {
    async get(user, appId, sessionId) {
      const { session } = await sessionOf(user, appId, sessionId);
      const stored = await store.get(session.id);
      // A recording that failed its limits is not analysed again on every look (the console polls).
      if (stored?.status === 'failed') throw new AppError('E_ANALYSIS_FAILED', stored.note || 'The analysis failed.');
      try {
        const analysis = await analyzeQueued('urgent', session);
        return toWire(stored, analysis.timeline, analysis.note);
      } catch (error) {
        // Stored, so the next look answers at once instead of running it again (a busy server is not stored).
        if (error instanceof AppError && error.code === 'E_ANALYSIS_FAILED') await store.markFailed(session.id, error.message).catch(() => undefined);
        throw error;
      }
    },
    async recompute(user, appId, sessionId, { regenerateSummary }) {
      const { app, session } = await sessionOf(user, appId, sessionId);
      const { stored, timeline } = await compute('urgent', app, session, regenerateSummary);
      return toWire(stored, timeline, stored.note ?? null);
    },
    sessionCompleted(session) {
      // Erased sessions are gone; there is nothing to explain.
      if (session.status !== 'completed' || session.endReason === 'erased') return;
      const run = (async () => {
        const app = await repos.apps.findById(session.appId);
        if (!app) return;
        try {
          await compute('background', app, session, false);
        } finally {
          // Analysed or failed, the completion is told once, with whatever insights were stored.
          if (deps.onCompletedAnalysed) await deps.onCompletedAnalysed(session, await store.get(session.id).catch(() => null));
        }
      })()
        // A recording past its limits is stored as failed with its note: expected of a hostile page, not an error here.
        .catch((error: Error) => (error instanceof AppError ? logger.warn : logger.error).call(logger, { err: error, sessionId: session.id }, 'session insights failed'))
        .finally(() => background.delete(run));
      background.add(run);
    },
    idle: async () => {
      while (background.size > 0) await Promise.all(background);
      await queue.idle();
    },
  };
}

const BUSY_NOTE = 'The server was too busy to analyse this session; try again later.';

function failureNote(reason: WorkerFailure, timeoutMs: number): string {
  if (reason === 'timeout') return `The analysis was stopped: the recording took longer than ${Math.ceil(timeoutMs / 1000)} s to read.`;
  if (reason === 'memory') return 'The analysis was stopped: the recording needed more memory than an analysis may use.';
  if (reason === 'busy' || reason === 'closed') return BUSY_NOTE;
  return 'The analysis failed: the recording could not be read.';
}

function toWire(stored: StoredInsights | null, timeline: TimelineEntry[], note: string | null): SessionInsights {
  return {
    status: stored?.status ?? 'none',
    computedAt: stored?.computedAt ? stored.computedAt.toISOString() : null,
    signals: stored?.signals ?? [],
    summary: stored?.summary ? { text: stored.summary.text, source: stored.summary.source, generatedAt: new Date(stored.summary.generatedAt).toISOString() } : null,
    timeline,
    note,
  };
}
