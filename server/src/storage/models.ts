import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { DEFAULT_APP_SETTINGS } from './app-settings.js';
import { bindSessionModel, type SessionDoc } from './session-model.js';
import { bindVisitorModel, type VisitorDoc } from './visitor-model.js';
import { bindChunkModel, type ChunkDoc } from './chunk-model.js';
import { bindSegmentModels, type SegmentModels } from './segment-models.js';
import { bindAiUsageModel, bindMessageModel, type AiUsageDoc, type MessageDoc } from './message-model.js';

/**
 * Mongoose models of the documents every implementation stores, bound to one connection so several
 * apps (tests) can live in one process. Each implementation creates the indexes it queries by
 * (shared-indexes.ts, mongo/native-indexes.ts); those declared here are the accounts' own.
 */

const appSchema = new Schema(
  {
    name: { type: String, required: true },
    publicKey: { type: String, required: true, unique: true },
    allowedOrigins: { type: [String], default: [] },
    demo: { type: Boolean, default: false },
    settings: {
      color: { type: String, default: DEFAULT_APP_SETTINGS.color },
      position: { type: String, enum: ['left', 'right'], default: DEFAULT_APP_SETTINGS.position },
      greeting: { type: String, default: DEFAULT_APP_SETTINGS.greeting },
      ai: {
        enabled: { type: Boolean, default: DEFAULT_APP_SETTINGS.ai.enabled },
        systemPrompt: { type: String, default: DEFAULT_APP_SETTINGS.ai.systemPrompt },
        knowledge: { type: String, default: DEFAULT_APP_SETTINGS.ai.knowledge },
        dailyTokenCap: { type: Number, default: DEFAULT_APP_SETTINGS.ai.dailyTokenCap },
      },
      identity: {
        secret: { type: String, default: null },
        enforce: { type: Boolean, default: false },
      },
      recording: {
        startOn: { type: String, enum: ['open', 'first-message'], default: DEFAULT_APP_SETTINGS.recording.startOn },
        maskAllInputs: { type: Boolean, default: true },
        blockSelectors: { type: [String], default: [] },
        maskSelectors: { type: [String], default: [] },
        idleTimeoutMinutes: { type: Number, default: DEFAULT_APP_SETTINGS.recording.idleTimeoutMinutes },
        maxDurationMinutes: { type: Number, default: DEFAULT_APP_SETTINGS.recording.maxDurationMinutes },
        captureConsole: { type: Boolean, default: DEFAULT_APP_SETTINGS.recording.captureConsole },
        captureNetwork: { type: Boolean, default: DEFAULT_APP_SETTINGS.recording.captureNetwork },
        keepQueryValues: { type: Boolean, default: DEFAULT_APP_SETTINGS.recording.keepQueryValues },
      },
      help: {
        offerOnStruggle: { type: Boolean, default: DEFAULT_APP_SETTINGS.help.offerOnStruggle },
        promptText: { type: String, default: DEFAULT_APP_SETTINGS.help.promptText },
      },
      privacy: { notifyWhenWatched: { type: Boolean, default: true } },
      conversations: {
        autoResolveMinutes: { type: Number, default: DEFAULT_APP_SETTINGS.conversations.autoResolveMinutes },
        savedReplies: { type: [String], default: [] },
      },
      retentionDays: { type: Number, default: DEFAULT_APP_SETTINGS.retentionDays },
      storageQuotaGb: { type: Number, default: DEFAULT_APP_SETTINGS.storageQuotaGb },
      consent: {
        required: { type: Boolean, default: DEFAULT_APP_SETTINGS.consent.required },
        respectPrivacySignals: { type: Boolean, default: DEFAULT_APP_SETTINGS.consent.respectPrivacySignals },
        eraseOnRevoke: { type: Boolean, default: DEFAULT_APP_SETTINGS.consent.eraseOnRevoke },
        noticeText: { type: String, default: DEFAULT_APP_SETTINGS.consent.noticeText },
      },
    },
  },
  { timestamps: true },
);

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ['owner', 'agent'], required: true },
    appIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { timestamps: true },
);

/** Console sign-ins. Only a hash of the cookie token is stored. Expired ones are removed by a job. */
const loginSchema = new Schema({
  tokenHash: { type: String, required: true, unique: true },
  userId: { type: Schema.Types.ObjectId, required: true, index: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true, index: true },
});

/** One document: facts about this installation (e.g. the generated cookie secret). */
const instanceSchema = new Schema({
  _id: { type: String, required: true },
  cookieSecret: { type: String, required: true },
  createdAt: { type: Date, required: true },
});

export type AppDoc = InferSchemaType<typeof appSchema> & { _id: import('mongoose').Types.ObjectId };
export type UserDoc = InferSchemaType<typeof userSchema> & { _id: import('mongoose').Types.ObjectId };
export type LoginDoc = InferSchemaType<typeof loginSchema> & { _id: import('mongoose').Types.ObjectId };
export type InstanceDoc = InferSchemaType<typeof instanceSchema>;

export interface Models extends SegmentModels {
  App: Model<AppDoc>;
  User: Model<UserDoc>;
  Login: Model<LoginDoc>;
  Instance: Model<InstanceDoc>;
  Session: Model<SessionDoc>;
  Visitor: Model<VisitorDoc>;
  Message: Model<MessageDoc>;
  AiUsage: Model<AiUsageDoc>;
  Chunk: Model<ChunkDoc>;
}

export function bindModels(connection: Connection): Models {
  return {
    App: connection.model<AppDoc>('App', appSchema, 'apps'),
    User: connection.model<UserDoc>('User', userSchema, 'users'),
    Login: connection.model<LoginDoc>('Login', loginSchema, 'logins'),
    Instance: connection.model<InstanceDoc>('Instance', instanceSchema, 'instance'),
    Session: bindSessionModel(connection),
    Visitor: bindVisitorModel(connection),
    Message: bindMessageModel(connection),
    AiUsage: bindAiUsageModel(connection),
    Chunk: bindChunkModel(connection),
    ...bindSegmentModels(connection),
  };
}
