import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * One visitor's conversation and recording: the unit the console lists as a "session".
 * Time-bucket keys are written at insert, because FerretDB 1.x has no date operators to group on.
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
    /** Why its recording was stopped by the server (`session-quota`, `app-quota`), once; null while it records. */
    recordingStopped: { type: String, default: null },
    /** Set when the visitor's last connection closed; the sweep completes the session after a grace period. */
    disconnectedAt: { type: Date, default: null },
    hourKey: { type: String, required: true },
    dayKey: { type: String, required: true },
    /** Chat handoff: `ai` answering → `waiting` for a human → `human` (see chat/handoff.ts). */
    chatState: { type: String, enum: ['ai', 'waiting', 'human'], default: 'ai' },
    /** Highest message seq given out in this session (messages.seq). */
    messageSeq: { type: Number, default: 0 },
    /** Its messages are listed in message_pages (message-pages.ts); unset on sessions from before them. */
    messagePages: { type: Boolean, default: false },
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
    /** Insights (issue #7): distinct signal types found, for filtering the Sessions list by signal. */
    signalTypes: { type: [String], default: [] },
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
sessionSchema.index({ appId: 1, startedAt: -1 });
sessionSchema.index({ appId: 1, status: 1, startedAt: -1 });
sessionSchema.index({ appId: 1, visitorId: 1, status: 1 });
sessionSchema.index({ status: 1, lastActivityAt: 1 });
// The console's conversation list.
sessionSchema.index({ appId: 1, status: 1, lastMessageAt: -1 });

export type SessionDoc = InferSchemaType<typeof sessionSchema> & { _id: Types.ObjectId };

export const bindSessionModel = (connection: Connection): Model<SessionDoc> =>
  connection.model<SessionDoc>('Session', sessionSchema, 'sessions');
