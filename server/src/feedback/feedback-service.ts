import { AppError } from '../http/app-error.js';
import type { ChatAvailability, ChatRateInput, ConversationRating } from '../protocol/feedback.js';
import { CONTACT_EMAILS_PER_SESSION_PER_MINUTE, FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE } from '../protocol/limits.js';
import { createRateLimit, memoryRateLimits, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import type { AppRecord, ConversationRecord, Repositories } from '../storage/ports.js';

export type FeedbackService = ReturnType<typeof createFeedbackService>;

/**
 * What a visitor leaves besides messages (issue 18): a rating once the chat is over, and an email to
 * be answered at when nobody can answer now. Each is a visitor's claim about their own conversation:
 * checked against the connection's application and visitor, bounded, and touching nothing else.
 */
export function createFeedbackService(deps: {
  repos: Repositories;
  /** How many of the application's team have the console open now (through the console's app room). */
  agentsOnline: (appId: string) => Promise<number>;
  /** The conversation changed: its consoles hear it (`chat:conversation` to the app's room). */
  announce: (conversation: ConversationRecord) => void;
  rateLimits?: RateLimitStore;
  now?: () => Date;
}) {
  const { repos, agentsOnline, announce, now = () => new Date() } = deps;
  const contactLimit = createRateLimit(
    { name: 'contact-emails', points: CONTACT_EMAILS_PER_SESSION_PER_MINUTE, windowMs: 60_000, message: 'Too many changes of the email.' },
    deps.rateLimits ?? memoryRateLimits,
  );

  const perVisitor = createRateLimit(
    { name: 'feedback-commands', points: FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE, windowMs: 60_000, message: 'Too many requests from this chat.' },
    deps.rateLimits ?? memoryRateLimits,
  );

  /** The visitor's own conversation in this application, or E_NOT_FOUND (another's is not revealed). Counted first: each is a read. */
  async function ownConversation(app: AppRecord, visitorId: string, sessionId: string | undefined): Promise<ConversationRecord> {
    await perVisitor.take(`${app.id}:${visitorId}`);
    const conversation = sessionId ? await repos.conversations.find(sessionId) : null;
    if (!conversation || conversation.appId !== app.id || conversation.visitorId !== visitorId) {
      throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
    }
    return conversation;
  }

  const announceLatest = async (sessionId: string) => {
    const latest = await repos.conversations.find(sessionId);
    if (latest) announce(latest);
  };

  return {
    async rate(app: AppRecord, visitorId: string, input: ChatRateInput): Promise<{ rating: ConversationRating }> {
      const conversation = await ownConversation(app, visitorId, input.sessionId);
      const rating = await repos.feedback.rate(conversation.sessionId, visitorId, { score: input.score, comment: input.comment }, now());
      if (!rating) throw new AppError('E_ALREADY_RATED');
      await announceLatest(conversation.sessionId);
      return { rating };
    },

    async leaveContact(app: AppRecord, visitorId: string, input: { sessionId: string; email: string }): Promise<{ contactEmail: string }> {
      const conversation = await ownConversation(app, visitorId, input.sessionId);
      await contactLimit.take(conversation.sessionId);
      if (!(await repos.feedback.setContactEmail(conversation.sessionId, visitorId, input.email, now()))) {
        throw new AppError('E_NOT_FOUND', 'This conversation does not exist.');
      }
      await announceLatest(conversation.sessionId);
      return { contactEmail: input.email };
    },

    async availability(app: AppRecord, visitorId: string, sessionId: string | undefined): Promise<ChatAvailability> {
      if (!sessionId) await perVisitor.take(`${app.id}:${visitorId}`);
      const feedback = sessionId ? await ownConversation(app, visitorId, sessionId) : null;
      return {
        agentsOnline: (await agentsOnline(app.id)) > 0,
        contactEmail: feedback?.contactEmail || null,
        rating: feedback?.rating ?? null,
      };
    },
  };
}
