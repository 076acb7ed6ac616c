import { Schema, type Connection } from 'mongoose';
import { bindChunkHeadsModel } from './chunk-heads.js';
import { bindMessagePagesModel } from './message-pages.js';
import { bindReadModel } from './read-model-keys.js';

/** `_id` = session id, present while the session is active: the sweeps read this small set only. */
export interface ActiveSessionDoc {
  _id: string;
  appId: string;
  startedAt: Date;
}

const activeSessionSchema = new Schema<ActiveSessionDoc>(
  { _id: { type: String, required: true }, appId: { type: String, required: true }, startedAt: { type: Date, required: true } },
  { versionKey: false },
);

/** The embedded read model's own collections, beside the documents every implementation stores. */
export function bindEmbeddedModels(connection: Connection) {
  return {
    ActiveSession: connection.model<ActiveSessionDoc>('ActiveSession', activeSessionSchema, 'active_sessions'),
    ChunkHeads: bindChunkHeadsModel(connection),
    MessagePages: bindMessagePagesModel(connection),
    ReadModel: bindReadModel(connection),
  };
}

export type EmbeddedModels = ReturnType<typeof bindEmbeddedModels>;
