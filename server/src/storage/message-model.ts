import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * One chat message. A visitor message is a "prompt" in the console's Activity feed, so the field
 * names here are a contract with it. `seq` numbers messages within a session (unique with sessionId):
 * the widget resyncs by it after a reconnect.
 */
const messageSchema = new Schema(
  {
    appId: { type: Schema.Types.ObjectId, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: String, required: true },
    role: { type: String, enum: ['visitor', 'ai', 'agent', 'system', 'note'], required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
    seq: { type: Number, required: true },
    /** The sender's id for this message, so a retried send is stored once. */
    clientId: { type: String, default: null },
    /** Visitor messages: who answered them (null until answered). */
    answeredBy: { type: String, enum: ['ai', 'agent', null], default: null },
    /** Agent messages: the console user who wrote it. */
    agentId: { type: Schema.Types.ObjectId, default: null },
    /** MongoDB-native, messages with a clientId: `<sessionId>:<clientId>`, unique (a retried send is stored once). */
    clientKey: { type: String, default: undefined },
    /** MongoDB-native, visitor messages: their session's signal types, for the feed's signal filter. */
    sessionSignals: { type: [String], default: undefined },
  },
  { versionKey: false },
);
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

export type AiUsageDoc = InferSchemaType<typeof aiUsageSchema> & { _id: Types.ObjectId };

export const bindAiUsageModel = (connection: Connection): Model<AiUsageDoc> =>
  connection.model<AiUsageDoc>('AiUsage', aiUsageSchema, 'ai_usage');
