import { isValidObjectId } from 'mongoose';
import type { ConversationRating } from '../protocol/feedback.js';
import type { Models } from './models.js';
import type { FeedbackRepository } from './repositories.js';
import type { SessionDoc } from './session-model.js';


type FeedbackFields = Pick<SessionDoc, 'ratingScore' | 'ratingComment' | 'ratedAt' | 'contactEmail'>;

/** The rating a session document holds, or null (none, or fields of an unknown shape). */
export function toRating(doc: Partial<FeedbackFields>): ConversationRating | null {
  if (typeof doc.ratingScore !== 'number' || !(doc.ratedAt instanceof Date)) return null;
  return { score: doc.ratingScore, comment: doc.ratingComment ?? '', at: doc.ratedAt.toISOString() };
}

export function feedbackRepository({ Session }: Pick<Models, 'Session'>): FeedbackRepository {
  return {
    async rate(sessionId, visitorId, { score, comment }, at) {
      if (!isValidObjectId(sessionId)) return null;
      const doc = await Session.findOneAndUpdate(
        { _id: sessionId, visitorId, ratingScore: null },
        { $set: { ratingScore: score, ratingComment: comment, ratedAt: at } },
        { returnDocument: 'after' },
      ).lean<SessionDoc>();
      return doc ? toRating(doc) : null;
    },
    async setContactEmail(sessionId, visitorId, email, at) {
      if (!isValidObjectId(sessionId)) return false;
      const result = await Session.updateOne({ _id: sessionId, visitorId }, { $set: { contactEmail: email, contactEmailAt: at } });
      return result.matchedCount > 0;
    },
    async find(sessionId) {
      if (!isValidObjectId(sessionId)) return null;
      const doc = await Session.findById(sessionId, { ratingScore: 1, ratingComment: 1, ratedAt: 1, contactEmail: 1 }).lean<SessionDoc>();
      return doc ? { rating: toRating(doc), contactEmail: doc.contactEmail || null } : null;
    },
  };
}
