import { Schema, type Connection } from 'mongoose';
import type { FontFileType } from '../protocol/replay-fonts.js';
import { blobOf } from './records.js';
import type { FontFilesRepository } from './font-files-repository.js';

interface FontFileDoc {
  /** `<appId>:<sha256>` */
  _id: string;
  type: FontFileType;
  data: Buffer;
  bytes: number;
  storedAt: Date;
}

/** One per application: its stored font bytes, the quota's counter (kept apart, so it is a small document). */
interface FontUsageDoc {
  _id: string;
  bytes: number;
}

const fontFileSchema = new Schema<FontFileDoc>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    data: { type: Buffer, required: true },
    bytes: { type: Number, required: true },
    storedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
const fontUsageSchema = new Schema<FontUsageDoc>({ _id: { type: String, required: true }, bytes: { type: Number, required: true } }, { versionKey: false });

const fileKey = (appId: string, sha256: string) => `${appId}:${sha256}`;
const isDuplicateKey = (error: unknown) => (error as { code?: unknown } | null)?.code === 11000;

/**
 * The font store, the same on every implementation: `_id` reads and writes only (the one filter
 * FerretDB 1.x answers from an index), the quota counter by conditional `$inc`.
 */
export function mongooseFontFiles(connection: Connection): FontFilesRepository {
  const Files = connection.model<FontFileDoc>('FontFile', fontFileSchema, 'font_files');
  const Usage = connection.model<FontUsageDoc>('FontUsage', fontUsageSchema, 'font_usage');
  return {
    async stored(appId, sha256s) {
      if (sha256s.length === 0) return new Set();
      const docs = await Files.find({ _id: { $in: sha256s.map((sha256) => fileKey(appId, sha256)) } }, { _id: 1 }).lean();
      return new Set(docs.map((doc) => doc._id.slice(appId.length + 1)));
    },
    async reserve(appId, bytes, maxBytes) {
      try {
        await Usage.updateOne({ _id: appId }, { $setOnInsert: { bytes: 0 } }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // another process created it first
      }
      const counted = await Usage.updateOne({ _id: appId, bytes: { $lte: maxBytes - bytes } }, { $inc: { bytes } });
      return counted.modifiedCount === 1;
    },
    async release(appId, bytes) {
      await Usage.updateOne({ _id: appId }, { $inc: { bytes: -bytes } });
    },
    async insert({ appId, sha256, type, data, storedAt }) {
      try {
        await Files.create({ _id: fileKey(appId, sha256), type, data, bytes: data.length, storedAt });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async find(appId, sha256) {
      const doc = await Files.findById(fileKey(appId, sha256), { type: 1, data: 1 }).lean<{ type: FontFileType; data: Buffer | { buffer: Uint8Array } }>();
      return doc ? { appId, sha256, type: doc.type, data: blobOf(doc.data) } : null;
    },
    async usedBytes(appId) {
      return (await Usage.findById(appId).lean())?.bytes ?? 0;
    },
  };
}
