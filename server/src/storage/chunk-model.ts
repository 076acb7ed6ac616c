import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One recorded batch: the gzip blob exactly as the widget sent it, plus a small readable header.
 * Never one document per rrweb event and never rrweb JSON as subdocuments: the blob is opaque here.
 * The unique (sessionId, seq) index is what makes a retried batch harmless.
 */
const chunkSchema = new Schema(
  {
    /** `<sessionId>:<seq>`: FerretDB 1.x on SQLite can only find documents fast by `_id` (see visitor-model.ts). */
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    appId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    firstTs: { type: Number, required: true },
    lastTs: { type: Number, required: true },
    eventCount: { type: Number, required: true },
    bytes: { type: Number, required: true },
    hasFullSnapshot: { type: Boolean, required: true },
    data: { type: Buffer, required: true },
    storedAt: { type: Date, required: true },
    via: { type: String, enum: ['socket', 'http'], default: 'socket' },
  },
  { versionKey: false },
);
chunkSchema.index({ sessionId: 1, seq: 1 }, { unique: true });
chunkSchema.index({ appId: 1 });

export type ChunkDoc = InferSchemaType<typeof chunkSchema>;

export const chunkKey = (sessionId: string, seq: number): string => `${sessionId}:${seq}`;

export const bindChunkModel = (connection: Connection): Model<ChunkDoc> => connection.model<ChunkDoc>('Chunk', chunkSchema, 'chunks');
