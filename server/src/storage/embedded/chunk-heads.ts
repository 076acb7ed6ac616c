import { Schema, Types, type Connection, type Model } from 'mongoose';
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

/** Header pages written by one command at most (FerretDB 1.24 hangs on update commands of 100 statements or more). */
const PAGES_PER_WRITE = 32;

/** Adds many sessions' chunk headers: one `$addToSet: {$each}` per header page, in small unordered bulk writes. */
export async function addHeads(ChunkHeads: Model<ChunkHeadsDoc>, chunks: Array<{ sessionId: string; header: ChunkHeader }>): Promise<void> {
  const pages = new Map<string, { sessionId: string; heads: string[] }>();
  for (const { sessionId, header } of chunks) {
    const key = headsKey(sessionId, headsPage(header.seq));
    const page = pages.get(key) ?? { sessionId, heads: [] };
    page.heads.push(encodeHead(header));
    pages.set(key, page);
  }
  const operations = [...pages].map(([_id, { sessionId, heads }]) => ({
    updateOne: { filter: { _id }, update: { $setOnInsert: { sessionId: new Types.ObjectId(sessionId) }, $addToSet: { h: { $each: heads } } }, upsert: true },
  }));
  for (let i = 0; i < operations.length; i += PAGES_PER_WRITE) {
    await ChunkHeads.collection.bulkWrite(operations.slice(i, i + PAGES_PER_WRITE) as never, { ordered: false });
  }
}
