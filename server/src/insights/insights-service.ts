import type { Logger } from 'pino';
import type { AppsService } from '../apps/apps-service.js';
import { NOTES } from '../chat/chat-service.js';
import { AppError } from '../http/app-error.js';
import type { SessionInsights, SessionSignal, TimelineEntry } from '../protocol/insights.js';
import { dayKey } from '../protocol/utc-buckets.js';
import type { AppRecord, InsightsStore, MessageRecord, Repositories, SessionRecord, StoredInsights, StoredSummary, UserRecord } from '../storage/ports.js';
import { loadRecordedEvents } from './recorded-events.js';
import { extractFacts } from './session-facts.js';
import { detectSignals, distinctTypes } from './signals.js';
import {
  deterministicSummary,
  MAX_PROMPT_TIMELINE_CHARS,
  MAX_PROMPT_TRANSCRIPT_CHARS,
  MAX_SUMMARY_CHARS,
  type AiSummarizer,
  type SummaryInput,
} from './summaries.js';
import { boundedTranscript, buildTimeline, compressTimeline } from './timeline.js';

/** Messages of one session read for its insights. */
const MAX_INSIGHT_MESSAGES = 2_000;
const CAP_REACHED_NOTE = '(AI summary skipped: the daily AI token limit was reached.)';

export interface InsightsServiceDeps {
  repos: Repositories;
  store: InsightsStore;
  apps: AppsService;
  summarizer: AiSummarizer | null;
  logger: Logger;
  now?: () => Date;
  /** Told when a session's insights were stored (the console hears `session:changed`). */
  onReady?: (session: SessionRecord) => void;
}

export interface InsightsService {
  /** Stored signals and summary with a freshly derived timeline, for a member of the session's app. */
  get(user: UserRecord, appId: string, sessionId: string): Promise<SessionInsights>;
  /** Computes signals and timeline now; a new summary only with `regenerateSummary` (or when none is stored). */
  recompute(user: UserRecord, appId: string, sessionId: string, options: { regenerateSummary: boolean }): Promise<SessionInsights>;
  /** A session completed: its insights are computed in the background; failures are logged, never thrown. */
  sessionCompleted(session: SessionRecord): void;
  /** Resolves once every queued computation has finished (tests, shutdown). */
  idle(): Promise<void>;
}

interface Analysis {
  signals: SessionSignal[];
  timeline: TimelineEntry[];
  summaryInput: SummaryInput;
}

export function createInsightsService(deps: InsightsServiceDeps): InsightsService {
  const { repos, store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  // One computation at a time for the whole server: decoding recordings is CPU work, and the
  // visitor path must never wait behind it.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  // Another application's session answers exactly like a missing one: 404, nothing learnt.
  async function sessionOf(user: UserRecord, appId: string, sessionId: string): Promise<{ app: AppRecord; session: SessionRecord }> {
    const app = await deps.apps.getFor(user, appId);
    const session = await repos.sessions.findById(sessionId);
    if (!session || session.appId !== appId) throw new AppError('E_NOT_FOUND');
    return { app, session };
  }

  async function analyze(session: SessionRecord): Promise<Analysis> {
    const [events, messages] = await Promise.all([
      loadRecordedEvents(repos, session.id),
      repos.messages.listAfter(session.id, 0, MAX_INSIGHT_MESSAGES),
    ]);
    const facts = extractFacts(events);
    const signals = detectSignals(facts, messages, NOTES.askedForHuman);
    const endedAt = session.endedAt?.getTime() ?? null;
    const timeline = buildTimeline(facts, messages, endedAt);
    const start = facts.startTs ?? messages[0]?.createdAt.getTime() ?? session.startedAt.getTime();
    const end = Math.max(facts.endTs ?? start, lastMessageTs(messages) ?? start, endedAt ?? start);
    return {
      signals,
      timeline,
      summaryInput: {
        timeline,
        timelineText: compressTimeline(timeline.filter((entry) => entry.kind !== 'message'), MAX_PROMPT_TIMELINE_CHARS),
        transcriptText: boundedTranscript(messages, start, MAX_PROMPT_TRANSCRIPT_CHARS),
        signals,
        endReason: session.endReason,
        durationMs: end - start,
      },
    };
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

  async function compute(app: AppRecord, session: SessionRecord, regenerateSummary: boolean): Promise<{ stored: StoredInsights; timeline: TimelineEntry[] }> {
    await store.markPending(session.id);
    try {
      const analysis = await analyze(session);
      const previous = await store.get(session.id);
      const summary = previous?.summary && !regenerateSummary ? previous.summary : await summarize(app, analysis.summaryInput);
      const stored: StoredInsights = { status: 'ready', computedAt: now(), signals: analysis.signals, summary };
      await store.save(session, stored, distinctTypes(analysis.signals));
      deps.onReady?.((await repos.sessions.findById(session.id)) ?? session);
      return { stored, timeline: analysis.timeline };
    } catch (error) {
      await store.markFailed(session.id).catch(() => undefined);
      throw error;
    }
  }

  return {
    async get(user, appId, sessionId) {
      const { session } = await sessionOf(user, appId, sessionId);
      const [stored, analysis] = await Promise.all([store.get(session.id), enqueue(() => analyze(session))]);
      return toWire(stored, analysis.timeline);
    },
    async recompute(user, appId, sessionId, { regenerateSummary }) {
      const { app, session } = await sessionOf(user, appId, sessionId);
      const { stored, timeline } = await enqueue(() => compute(app, session, regenerateSummary));
      return toWire(stored, timeline);
    },
    sessionCompleted(session) {
      // Erased sessions are gone; there is nothing to explain.
      if (session.status !== 'completed' || session.endReason === 'erased') return;
      void enqueue(async () => {
        const app = await repos.apps.findById(session.appId);
        if (!app) return;
        await compute(app, session, false);
      }).catch((error: Error) => logger.error({ err: error, sessionId: session.id }, 'session insights failed'));
    },
    idle: async () => {
      // Tasks queued while waiting are waited for too.
      for (let seen: Promise<unknown> | null = null; seen !== queue; ) {
        seen = queue;
        await seen;
      }
    },
  };
}

function toWire(stored: StoredInsights | null, timeline: TimelineEntry[]): SessionInsights {
  return {
    status: stored?.status ?? 'none',
    computedAt: stored?.computedAt ? stored.computedAt.toISOString() : null,
    signals: stored?.signals ?? [],
    summary: stored?.summary ? { text: stored.summary.text, source: stored.summary.source, generatedAt: new Date(stored.summary.generatedAt).toISOString() } : null,
    timeline,
  };
}

const lastMessageTs = (messages: MessageRecord[]): number | null => messages.at(-1)?.createdAt.getTime() ?? null;
