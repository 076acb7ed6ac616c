import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * One chat message. A visitor message is a "prompt" in the console's Activity feed, so the field
 * names here are a contract with it. `seq` numbers messages within a session (unique with sessionId):
 * the widget resyncs by it after a reconnect. Time-bucket keys are written at insert (no date
 * operators on FerretDB 1.x).
 */
const messageSchema = new Schema(
  {
    appId: { type: Schema.Types.ObjectId, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: String, required: true },
    role: { type: String, enum: ['visitor', 'ai', 'agent', 'system'], required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
    seq: { type: Number, required: true },
    /** The sender's id for this message, so a retried send is stored once. */
    clientId: { type: String, default: null },
    hourKey: { type: String, required: true },
    dayKey: { type: String, required: true },
    /** Visitor messages: who answered them (null until answered). */
    answeredBy: { type: String, enum: ['ai', 'agent', null], default: null },
    /** Agent messages: the console user who wrote it. */
    agentId: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false },
);
messageSchema.index({ sessionId: 1, seq: 1 }, { unique: true });
messageSchema.index({ appId: 1, role: 1, createdAt: -1 });
messageSchema.index({ appId: 1, dayKey: 1 });
messageSchema.index({ appId: 1, hourKey: 1 });
// A returning visitor's earlier conversation.
messageSchema.index({ appId: 1, visitorId: 1, createdAt: -1 });

export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: Types.ObjectId };

export const bindMessageModel = (connection: Connection): Model<MessageDoc> =>
  connection.model<MessageDoc>('Message', messageSchema, 'messages');

/** Tokens the AI used per application per UTC day, for the daily cap. */
const aiUsageSchema = new Schema(
  {
    appId: { type: Schema.Types.ObjectId, required: true },
    dayKey: { type: String, required: true },
    tokens: { type: Number, default: 0 },
  },
  { versionKey: false },
);
aiUsageSchema.index({ appId: 1, dayKey: 1 }, { unique: true });

export type AiUsageDoc = InferSchemaType<typeof aiUsageSchema> & { _id: Types.ObjectId };

export const bindAiUsageModel = (connection: Connection): Model<AiUsageDoc> =>
  connection.model<AiUsageDoc>('AiUsage', aiUsageSchema, 'ai_usage');
