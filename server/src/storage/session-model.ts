import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * One visitor's conversation and recording: the unit the console lists as a "session". The same
 * document on every implementation; the MongoDB-native one adds the search fields (mongo/) and keeps
 * the indexes it queries by (mongo/native-indexes.ts).
 */
const sessionSchema = new Schema(
  {
    appId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: String, required: true },
    status: { type: String, enum: ['active', 'completed'], required: true },
    startedAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    endReason: { type: String, default: null },
    landingUrl: { type: String, default: '' },
    pages: { type: [{ url: String, at: Date, _id: false }], default: [] },
    pageCount: { type: Number, default: 0 },
    eventCount: { type: Number, default: 0 },
    bytes: { type: Number, default: 0 },
    chunkCount: { type: Number, default: 0 },
    userAgent: { type: String, default: '' },
    viewport: { width: { type: Number, default: 0 }, height: { type: Number, default: 0 } },
    /** Recording: chunks 1..contiguousSeq are all stored (see recordings-repository). */
    contiguousSeq: { type: Number, default: 0 },
    /** Recording: the highest stored chunk seq. */
    maxSeq: { type: Number, default: 0 },
    /** Recording: every chunk seq up to this one is counted into the counters above (chunk-counting.ts). */
    countedThrough: { type: Number, default: 0 },
    /** Recording: chunk seqs counted past a gap above `countedThrough`. */
    countedAbove: { type: [Number], default: [] },
    /** Why its recording was stopped by the server (`session-quota`, `app-quota`), once; null while it records. */
    recordingStopped: { type: String, default: null },
    /** Set when the visitor's last connection closed; the sweep completes the session after a grace period. */
    disconnectedAt: { type: Date, default: null },
    /** Chat handoff: `ai` answering → `waiting` for a human → `human` (see chat/handoff.ts). */
    chatState: { type: String, enum: ['ai', 'waiting', 'human'], default: 'ai' },
    /**
     * 1 while a person is wanted or answering (`waiting`, `human`), else 0: the Conversations list
     * shows those first. Written with every chat state change (a conversation lifecycle of its own,
     * issue #18, adds its state beside it and an index per view).
     */
    chatPriority: { type: Number, default: 0 },
    /** The node streaming this conversation's AI answer (chat-records.ts AnswerLease); null when none. */
    answerLease: { type: new Schema({ holder: String, seq: Number, until: Date }, { _id: false }), default: null },
    /**
     * The conversation's own lifecycle (issue 18), never changed by the recording's completion:
     * null until the visitor writes, then open / waiting / assigned / resolved (chat/conversation-lifecycle.ts).
     */
    conversationStatus: { type: String, enum: ['open', 'waiting', 'assigned', 'resolved', null], default: null },
    /** The console user the conversation is assigned to. */
    assigneeId: { type: String, default: null },
    /** Since when a person is wanted (while `waiting`): the Waiting view shows the oldest first. */
    waitingSince: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    /** Highest message seq given out in this session (messages.seq). */
    messageSeq: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    lastMessageText: { type: String, default: '' },
    /** What a verified (or merely claimed) identify said about the visitor. */
    visitorName: { type: String, default: '' },
    visitorEmail: { type: String, default: '' },
    identityVerified: { type: Boolean, default: false },
    /**
     * Live struggle (issue 21): the latest the widget reported, how many so far, and the session's one
     * help offer (`offered`, then the visitor's answer). Flat fields, so each write is one atomic update.
     */
    struggleType: { type: String, default: null },
    struggleLabel: { type: String, default: '' },
    struggleAt: { type: Date, default: null },
    struggleCount: { type: Number, default: 0 },
    helpOffer: { type: String, default: null },
    helpOfferAt: { type: Date, default: null },
    /**
     * What the visitor left (issue 18): one rating (1–5, a comment, when), set once by a conditional
     * update; the email they asked to be answered at when nobody could answer.
     */
    ratingScore: { type: Number, default: null },
    ratingComment: { type: String, default: '' },
    ratedAt: { type: Date, default: null },
    contactEmail: { type: String, default: '' },
    contactEmailAt: { type: Date, default: null },
    /** Insights (issue #7): distinct signal types found, for filtering the Sessions list by signal. */
    signalTypes: { type: [String], default: [] },
    /** MongoDB-native search (mongo/search-grams.ts): the searched texts lower-cased, and their trigrams. */
    searchText: { type: String },
    searchGrams: { type: [String], default: undefined },
    /** Insights (issue #7): signals and summary, see storage/insights-store.ts and protocol/insights.ts. */
    insights: {
      type: {
        status: { type: String, enum: ['none', 'pending', 'ready', 'failed'], default: 'none' },
        computedAt: { type: Date, default: null },
        /** Why the analysis failed, or where the recording was cut (issue 14). */
        note: { type: String, default: null },
        signals: { type: [{ type: { type: String }, ts: Number, offsetMs: Number, label: String, _id: false }], default: [] },
        summary: {
          type: {
            text: String,
            source: { type: String, enum: ['ai', 'deterministic'] },
            generatedAt: Date,
            model: { type: String, default: null },
            inputTokens: { type: Number, default: 0 },
            outputTokens: { type: Number, default: 0 },
          },
          default: null,
          _id: false,
        },
      },
      default: null,
      _id: false,
    },
  },
  { versionKey: false },
);
export type SessionDoc = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId };

export const bindSessionModel = (connection: Connection): Model<SessionDoc> =>
  connection.model<SessionDoc>('Session', sessionSchema, 'sessions');
