import { Schema, Types, type Connection, type Model } from 'mongoose';

/**
 * Which message holds each seq of a session, without a query on `messages`: MESSAGES_PER_PAGE seqs to
 * a document addressed by `_id` (`<sessionId>:m<page>`, page = ⌊seq / MESSAGES_PER_PAGE⌋), one
 * field `s<seq>` = the message's id per message.
 *
 * Why: FerretDB 1.x pushes down `{_id}` filters only, so `find({ sessionId, seq })` read every
 * message stored — on every AI answer, chat sync, replay transcript and insights job. With these
 * pages a session's messages are a page read or two, then their messages in one `{_id: {$in}}` read.
 * Each message's field is set by one atomic `$set`: writers never lose each other's.
 */
export const MESSAGES_PER_PAGE = 128;

export interface MessagePagesDoc {
  _id: string;
  sessionId: Types.ObjectId;
  [seqField: string]: unknown;
}

const messagePagesSchema = new Schema<MessagePagesDoc>(
  { _id: { type: String, required: true }, sessionId: { type: Schema.Types.ObjectId, required: true } },
  { versionKey: false, strict: false },
);

export const bindMessagePagesModel = (connection: Connection): Model<MessagePagesDoc> =>
  connection.model<MessagePagesDoc>('MessagePages', messagePagesSchema, 'message_pages');

const pageOf = (seq: number) => Math.floor(seq / MESSAGES_PER_PAGE);
const pageKey = (sessionId: string, page: number) => `${sessionId}:m${page}`;

export interface MessagePages {
  /** Records a stored message under its seq. */
  record(sessionId: string, seq: number, messageId: string): Promise<void>;
  /** Message ids of seqs `from..to` (inclusive), ascending by seq; a seq never stored is absent. */
  idsBetween(sessionId: string, from: number, to: number): Promise<Array<{ seq: number; id: string }>>;
}

export function messagePages(Pages: Model<MessagePagesDoc>): MessagePages {
  const collection = Pages.collection;
  return {
    async record(sessionId, seq, messageId) {
      const id = pageKey(sessionId, pageOf(seq));
      await collection.updateOne({ _id: id } as never, { $set: { [`s${seq}`]: messageId }, $setOnInsert: { sessionId: new Types.ObjectId(sessionId) } }, { upsert: true });
    },
    async idsBetween(sessionId, from, to) {
      if (to < from) return [];
      const pages = Array.from({ length: pageOf(to) - pageOf(from) + 1 }, (_, i) => pageOf(from) + i);
      const docs = await Promise.all(pages.map((page) => collection.findOne({ _id: pageKey(sessionId, page) } as never)));
      const found: Array<{ seq: number; id: string }> = [];
      for (const doc of docs) {
        for (const [field, value] of Object.entries(doc ?? {})) {
          const seq = field.startsWith('s') ? Number(field.slice(1)) : NaN;
          if (Number.isInteger(seq) && seq >= from && seq <= to && typeof value === 'string') found.push({ seq, id: value });
        }
      }
      return found.sort((a, b) => a.seq - b.seq);
    },
  };
}
