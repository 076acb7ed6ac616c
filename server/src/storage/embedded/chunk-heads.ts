import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ChunkHeader } from '../ports.js';

/**
 * The replay's chunk list without reading the chunks: each session's chunk headers, `HEADS_PER_PAGE`
 * to a document addressed by `_id` (`<sessionId>:h<page>`, page = ⌊(seq − 1) / HEADS_PER_PAGE⌋). A
 * 30-minute recording has ~900 chunks; reading each chunk document to learn its header cost ~3 ms on
 * FerretDB (it decodes the whole document, blob included), so the list took seconds. Now ~8 reads.
 * A header is one short string (FerretDB decodes strings far faster than small subdocuments), added
 * by an atomic `$addToSet`: writers of one session never lose each other's headers.
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

/** Adds a chunk's header to its page (a header added twice is there once). */
export const addHead = (ChunkHeads: Model<ChunkHeadsDoc>, sessionId: string, head: ChunkHeader) =>
  ChunkHeads.updateOne({ _id: headsKey(sessionId, headsPage(head.seq)) }, { $setOnInsert: { sessionId }, $addToSet: { h: encodeHead(head) } }, { upsert: true });
