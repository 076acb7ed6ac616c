import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ChunkHeader } from './repositories.js';

/**
 * The replay's chunk list without reading the chunks: each session's chunk headers, `HEADS_PER_PAGE`
 * to a document addressed by `_id` (`<sessionId>:h<page>`, page = ⌊(seq − 1) / HEADS_PER_PAGE⌋). A
 * 30-minute recording has ~900 chunks; reading each chunk document to learn its header cost ~3 ms on
 * FerretDB (it decodes the whole document, blob included), so the list took seconds. Now ~8 reads.
 * A header is one short string (FerretDB decodes strings far faster than small subdocuments). Appended
 * under the session's write queue, so no append is lost.
 */
export const HEADS_PER_PAGE = 128;

export interface ChunkHeadsDoc {
  _id: string;
  sessionId: Types.ObjectId;
  /** `seq.firstTs.lastTs.events.bytes.snapshot` per chunk; `$addToSet`, so a retried batch adds nothing. */
  h: string[];
}

const chunkHeadsSchema = new Schema<ChunkHeadsDoc>(
  {
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    h: { type: [String], default: [] },
  },
  { versionKey: false },
);
chunkHeadsSchema.index({ sessionId: 1 });

export const bindChunkHeadsModel = (connection: Connection): Model<ChunkHeadsDoc> =>
  connection.model<ChunkHeadsDoc>('ChunkHeads', chunkHeadsSchema, 'chunk_heads');

export const headsPage = (seq: number): number => Math.floor((seq - 1) / HEADS_PER_PAGE);
export const headsKey = (sessionId: string, page: number): string => `${sessionId}:h${page}`;

export function encodeHead(head: ChunkHeader): string {
  return [head.seq, head.firstTs, head.lastTs, head.eventCount, head.bytes, head.hasFullSnapshot ? 1 : 0].join('.');
}

export function decodeHeads(parts: string[]): ChunkHeader[] {
  return parts.map((part) => {
    const [seq, firstTs, lastTs, eventCount, bytes, snapshot] = part.split('.').map(Number);
    return { seq, firstTs, lastTs, eventCount, bytes, hasFullSnapshot: snapshot === 1 };
  });
}
