import { isValidObjectId } from 'mongoose';
import { withDefaultSettings } from './app-settings.js';
import type { AiUsageDoc } from './message-model.js';
import type { AppDoc, Models, UserDoc } from './models.js';
import type { AppRecord, Repositories, UserRecord } from './ports.js';

/** Applications, console accounts, sign-ins, the installation and AI usage: the same on every implementation. */

function toApp(doc: AppDoc & { createdAt?: Date }): AppRecord {
  return {
    id: doc._id.toString(),
    name: doc.name,
    publicKey: doc.publicKey,
    allowedOrigins: [...(doc.allowedOrigins ?? [])],
    demo: Boolean(doc.demo),
    createdAt: doc.createdAt ?? new Date(0),
    settings: withDefaultSettings(doc.settings),
  };
}

function toUser(doc: UserDoc): UserRecord {
  return {
    id: doc._id.toString(),
    email: doc.email,
    passwordHash: doc.passwordHash,
    role: doc.role,
    appIds: (doc.appIds ?? []).map(String),
  };
}

const DUPLICATE_KEY = 11000;

export function accountsRepositories({ App, User, Login, Instance, AiUsage }: Models): Pick<Repositories, 'apps' | 'users' | 'logins' | 'instance' | 'aiUsage'> {
  return {
    apps: {
      async create(input) {
        return toApp((await App.create(input)).toObject());
      },
      async findById(id) {
        if (!isValidObjectId(id)) return null;
        const doc = await App.findById(id).lean<AppDoc>();
        return doc ? toApp(doc) : null;
      },
      async findByKey(publicKey) {
        const doc = await App.findOne({ publicKey }).lean<AppDoc>();
        return doc ? toApp(doc) : null;
      },
      async findDemo() {
        const doc = await App.findOne({ demo: true }).lean<AppDoc>();
        return doc ? toApp(doc) : null;
      },
      async listByIds(ids) {
        const valid = ids.filter((id) => isValidObjectId(id));
        const docs = await App.find({ _id: { $in: valid } }).sort({ createdAt: 1 }).lean<AppDoc[]>();
        return docs.map(toApp);
      },
      async listAll() {
        return (await App.find({}).sort({ createdAt: 1 }).lean<AppDoc[]>()).map(toApp);
      },
      async update(id, patch) {
        if (!isValidObjectId(id)) return null;
        const { settings, ...fields } = patch;
        const doc = await App.findByIdAndUpdate(id, { $set: { ...fields, ...settings } }, { returnDocument: 'after' }).lean<AppDoc>();
        return doc ? toApp(doc) : null;
      },
      async setPublicKey(id, publicKey) {
        if (!isValidObjectId(id)) return null;
        const doc = await App.findByIdAndUpdate(id, { $set: { publicKey } }, { returnDocument: 'after' }).lean<AppDoc>();
        return doc ? toApp(doc) : null;
      },
    },
    users: {
      count: () => User.countDocuments(),
      async create(input) {
        return toUser((await User.create(input)).toObject());
      },
      async findByEmail(email) {
        const doc = await User.findOne({ email }).lean<UserDoc>();
        return doc ? toUser(doc) : null;
      },
      async findById(id) {
        if (!isValidObjectId(id)) return null;
        const doc = await User.findById(id).lean<UserDoc>();
        return doc ? toUser(doc) : null;
      },
      async addApp(userId, appId) {
        await User.updateOne({ _id: userId }, { $addToSet: { appIds: appId } });
      },
      async setPasswordHash(userId, passwordHash) {
        if (!isValidObjectId(userId)) return;
        await User.updateOne({ _id: userId }, { $set: { passwordHash } });
      },
    },
    logins: {
      async create(input) {
        await Login.create(input);
      },
      async findUserId(tokenHash, now) {
        const doc = await Login.findOne({ tokenHash, expiresAt: { $gt: now } }).lean();
        return doc ? String(doc.userId) : null;
      },
      async expiresAt(tokenHash, now) {
        const doc = await Login.findOne({ tokenHash, expiresAt: { $gt: now } }, { expiresAt: 1 }).lean<{ expiresAt: Date }>();
        return doc?.expiresAt ?? null;
      },
      async delete(tokenHash) {
        await Login.deleteOne({ tokenHash });
      },
      async deleteExpired(now) {
        return (await Login.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
      },
      async deleteOthersOfUser(userId, keepTokenHash) {
        if (!isValidObjectId(userId)) return [];
        const others = { userId, tokenHash: { $ne: keepTokenHash } };
        const ended = (await Login.find(others, { tokenHash: 1 }).lean<Array<{ tokenHash: string }>>()).map((doc) => doc.tokenHash);
        // A sign-in opened between the read and the delete is ended too, and its sockets refused at their next command.
        await Login.deleteMany(others);
        return ended;
      },
    },
    instance: {
      async cookieSecret(generate) {
        // Insert-if-absent, so two processes starting together agree on one secret.
        await Instance.updateOne(
          { _id: 'instance' },
          { $setOnInsert: { cookieSecret: generate(), createdAt: new Date() } },
          { upsert: true },
        );
        const doc = await Instance.findById('instance').lean();
        return doc!.cookieSecret;
      },
      async takeJobLease(job, holder, now, until) {
        // The raw collection: a lease is no part of the instance document's schema.
        try {
          const result = await Instance.collection.updateOne(
            { _id: `job:${job}`, $or: [{ holder }, { until: { $lte: now } }] } as never,
            { $set: { holder, until } },
            { upsert: true },
          );
          return result.matchedCount + result.upsertedCount === 1;
        } catch (error) {
          if ((error as { code?: number }).code === DUPLICATE_KEY) return false; // held by another: the upsert met it
          throw error;
        }
      },
      async releaseJobLease(job, holder) {
        await Instance.collection.deleteOne({ _id: `job:${job}`, holder } as never);
      },
    },
    aiUsage: {
      async tokensOn(appId, day) {
        if (!isValidObjectId(appId)) return 0;
        const doc = await AiUsage.findOne({ appId, dayKey: day }).lean<AiUsageDoc>();
        return doc?.tokens ?? 0;
      },
      async add(appId, day, tokens) {
        if (!isValidObjectId(appId) || tokens <= 0) return;
        await AiUsage.updateOne({ appId, dayKey: day }, { $inc: { tokens } }, { upsert: true });
      },
    },
  };
}
