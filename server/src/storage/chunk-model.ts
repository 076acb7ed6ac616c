import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One recorded batch: the gzip blob exactly as the widget sent it, plus a small readable header.
 * Never one document per rrweb event and never rrweb JSON as subdocuments: the blob is opaque here.
 * Its `_id` is `<sessionId>:<seq>`: unique by construction, which is what makes a retried batch harmless.
 */
const chunkSchema = new Schema(
  {
    /** `<sessionId>:<seq>`, on every implementation: found by `_id` on the embedded engine, and a second copy is refused. */
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

export type ChunkDoc = InferSchemaType<typeof chunkSchema>;

export const chunkKey = (sessionId: string, seq: number): string => `${sessionId}:${seq}`;

export const bindChunkModel = (connection: Connection): Model<ChunkDoc> => connection.model<ChunkDoc>('Chunk', chunkSchema, 'chunks');
