import { Schema, type Connection } from 'mongoose';
import type { ApiTokenRecord, ApiTokensRepository } from './api-tokens-repository.js';

/** The record as stored: the token's hash is the `_id`, its public handle `publicId`. */
type ApiTokenDoc = Omit<ApiTokenRecord, 'hash' | 'id'> & { _id: string; publicId: string };

const apiTokenSchema = new Schema<ApiTokenDoc>(
  {
    _id: { type: String, required: true },
    publicId: { type: String, required: true },
    // A string, as every `appId` the application's erasure deletes by (app-erasure.ts).
    appId: { type: String, required: true },
    name: { type: String, required: true },
    scope: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    prefix: { type: String, required: true },
  },
  { versionKey: false },
);

const toRecord = (doc: ApiTokenDoc): ApiTokenRecord => ({
  hash: doc._id,
  id: doc.publicId,
  appId: doc.appId,
  name: doc.name,
  scope: doc.scope,
  createdBy: doc.createdBy,
  createdAt: doc.createdAt,
  lastUsedAt: doc.lastUsedAt ?? null,
  prefix: doc.prefix,
});

/** The same on every implementation: reads by `_id`, and the console's rare listing by appId. */
export function mongooseApiTokens(connection: Connection): ApiTokensRepository {
  const Tokens = connection.model<ApiTokenDoc>('ApiToken', apiTokenSchema, 'api_tokens');
  return {
    async create(token) {
      await Tokens.create({
        _id: token.hash,
        publicId: token.id,
        appId: token.appId,
        name: token.name,
        scope: token.scope,
        createdBy: token.createdBy,
        createdAt: token.createdAt,
        lastUsedAt: token.lastUsedAt,
        prefix: token.prefix,
      });
    },
    async findByHash(hash) {
      const doc = await Tokens.findById(hash).lean<ApiTokenDoc>();
      return doc ? toRecord(doc) : null;
    },
    async listByApp(appId, limit) {
      return (await Tokens.find({ appId }).sort({ createdAt: 1 }).limit(limit).lean<ApiTokenDoc[]>()).map(toRecord);
    },
    async revoke(appId, id) {
      return (await Tokens.deleteOne({ appId, publicId: id })).deletedCount > 0;
    },
    async touch(hash, at, unlessAfter) {
      await Tokens.updateOne({ _id: hash, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: unlessAfter } }] }, { $set: { lastUsedAt: at } });
    },
  };
}
