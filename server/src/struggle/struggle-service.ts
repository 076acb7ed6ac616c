import { AppError } from '../http/app-error.js';
import { STRUGGLE_REPORTS_PER_SESSION_PER_MINUTE } from '../protocol/limits.js';
import type { StruggleReportInput } from '../protocol/schemas.js';
import type { HelpOfferAnswer, StrugglingSession } from '../protocol/struggle.js';
import { createRateLimit, memoryRateLimits, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import type { AppRecord, Repositories } from '../storage/repositories.js';

export type StruggleService = ReturnType<typeof createStruggleService>;

/**
 * Struggle spotted live (issue 21). The widget detects it (it sees the clicks, the page's changes and
 * its errors as they happen) and reports it here; the session document keeps the latest report and
 * the session's one help offer, and the application's consoles hear it through their room. A report
 * is a visitor's claim about their own session: it is bounded, and it touches nothing else.
 */
export function createStruggleService(deps: {
  repos: Repositories;
  /** Tells the application's consoles (`session:struggle` to its room). */
  announce: (session: StrugglingSession) => void;
  rateLimits?: RateLimitStore;
  now?: () => Date;
}) {
  const { repos, announce, now = () => new Date() } = deps;
  const perSession = createRateLimit(
    { name: 'struggle-reports', points: STRUGGLE_REPORTS_PER_SESSION_PER_MINUTE, windowMs: 60_000, message: 'Too many struggle reports for this session.' },
    deps.rateLimits ?? memoryRateLimits,
  );
  const sessionOf = (sessionId: string | undefined): string => {
    if (!sessionId) throw new AppError('E_NOT_FOUND', 'Start a session first.');
    return sessionId;
  };

  return {
    /**
     * Records the report and tells the consoles. When the application offers help, the visitor's chat
     * is closed and the session has had no offer yet, grants it: the answer carries the prompt's text.
     * `app` is the application as the visitor's connection found it (settings apply to new connections).
     */
    async report(app: AppRecord, socketSessionId: string | undefined, input: StruggleReportInput): Promise<{ offerHelp: { text: string } | null }> {
      const sessionId = sessionOf(socketSessionId);
      await perSession.take(sessionId);
      const at = now();
      let session = await repos.struggles.report(sessionId, { type: input.type, label: input.label }, at);
      if (!session) throw new AppError('E_SESSION_ENDED');
      let offerHelp: { text: string } | null = null;
      if (input.canOfferHelp && app.settings.help.offerOnStruggle) {
        const granted = await repos.struggles.claimHelpOffer(sessionId, at);
        if (granted) {
          session = granted;
          offerHelp = { text: app.settings.help.promptText };
        }
      }
      announce(session);
      return { offerHelp };
    },

    /** What the visitor did with the prompt; refused when no offer is waiting for an answer. */
    async answer(socketSessionId: string | undefined, outcome: HelpOfferAnswer): Promise<{ ok: true }> {
      const sessionId = sessionOf(socketSessionId);
      await perSession.take(sessionId);
      const session = await repos.struggles.answerHelpOffer(sessionId, outcome, now());
      if (!session) throw new AppError('E_NOT_FOUND', 'No help offer is waiting for an answer in this session.');
      announce(session);
      return { ok: true };
    },
  };
}
