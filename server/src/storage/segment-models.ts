import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The compacted form of a completed recording (segment-codec.ts). Two collections, the same on every
 * implementation, both found by `_id` only (the embedded engine answers nothing else from an index):
 *
 * - `recording_layouts`, `_id` = the session's id: which segments replace which chunks. Inserting it
 *   is the one atomic step that makes a compaction count (a second copy is refused: duplicate `_id`),
 *   so two processes compacting one session store it once.
 * - `recording_segments`, `_id` = `<sessionId>:<generation>:<n>`: one brotli stream and its chunk index.
 *   A generation is one compaction attempt's; an attempt that lost the layout race deletes its own.
 *
 * Both carry `sessionId` and `appId`, so erasing a session or an application finds them.
 */

const segmentRangeSchema = new Schema({ id: { type: String, required: true }, firstSeq: { type: Number, required: true }, lastSeq: { type: Number, required: true } }, { _id: false });

const layoutSchema = new Schema(
  {
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    appId: { type: Schema.Types.ObjectId, required: true },
    generation: { type: String, required: true },
    segments: { type: [segmentRangeSchema], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const segmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    appId: { type: Schema.Types.ObjectId, required: true },
    generation: { type: String, required: true },
    seqs: { type: [Number], default: [] },
    lengths: { type: [Number], default: [] },
    rawBytes: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export interface SegmentRange {
  id: string;
  firstSeq: number;
  lastSeq: number;
}

export interface LayoutDoc {
  _id: string;
  sessionId: unknown;
  appId: unknown;
  generation: string;
  segments: SegmentRange[];
  createdAt: Date;
}

export interface SegmentDoc {
  _id: string;
  sessionId: unknown;
  appId: unknown;
  generation: string;
  seqs: number[];
  lengths: number[];
  rawBytes: number;
  data: Buffer;
}

export interface SegmentModels {
  Layout: Model<LayoutDoc>;
  Segment: Model<SegmentDoc>;
}

export const segmentKey = (sessionId: string, generation: string, index: number): string => `${sessionId}:${generation}:${index}`;

export const bindSegmentModels = (connection: Connection): SegmentModels => ({
  Layout: connection.model<LayoutDoc>('RecordingLayout', layoutSchema, 'recording_layouts'),
  Segment: connection.model<SegmentDoc>('RecordingSegment', segmentSchema, 'recording_segments'),
});
