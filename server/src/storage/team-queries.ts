import { Types, isValidObjectId } from 'mongoose';
import type { TeamMember } from '../protocol/activity.js';
import type { Models, UserDoc } from './models.js';
import type { TeamQueries } from './ports.js';

const toMember = (doc: UserDoc): TeamMember => ({
  id: doc._id.toString(),
  email: doc.email,
  role: doc.role,
  appIds: (doc.appIds ?? []).map(String),
});

export function teamQueries({ User, Login }: Pick<Models, 'User' | 'Login'>): TeamQueries {
  return {
    async list() {
      const docs = await User.find({}, { email: 1, role: 1, appIds: 1 }).sort({ email: 1 }).lean<UserDoc[]>();
      return docs.map(toMember);
    },
    async setMembership(userId, appId, member) {
      if (!isValidObjectId(userId) || !isValidObjectId(appId)) return null;
      const app = new Types.ObjectId(appId);
      const update = member ? { $addToSet: { appIds: app } } : { $pull: { appIds: app } };
      const doc = await User.findOneAndUpdate({ _id: userId }, update, { returnDocument: 'after' }).lean<UserDoc>();
      return doc ? toMember(doc) : null;
    },
    async setRole(userId, role) {
      if (!isValidObjectId(userId)) return null;
      const doc = await User.findOneAndUpdate({ _id: userId }, { $set: { role } }, { returnDocument: 'after' }).lean<UserDoc>();
      return doc ? toMember(doc) : null;
    },
    async remove(userId) {
      if (!isValidObjectId(userId)) return false;
      const { deletedCount } = await User.deleteOne({ _id: userId });
      await Login.deleteMany({ userId });
      return deletedCount > 0;
    },
  };
}
