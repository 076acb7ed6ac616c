import { Types, type Connection } from 'mongoose';
import type { Repositories } from './repositories.js';

/** Sessions deleted per step (each step's children go in FerretDB-sized deletes, see deleteSessions). */
const SESSIONS_PER_STEP = 50;
/** Guards the loop against a session that cannot be deleted (each step removes up to SESSIONS_PER_STEP). */
const MAX_STEPS = 1_000_000;

/**
 * Erases an application and everything stored about it (issue 18): its sessions with their chunks and
 * messages (through the repositories, so each implementation's own per-session documents go too), then
 * every other document naming it — visitors, AI usage, font files, counters, the embedded read model's
 * lists (`_id`s starting `<appId>:`, or the id itself) — then the application and every membership of it.
 *
 * Sessions first and the application last: an interrupted erasure leaves the application in place, and
 * running it again finishes the job. A rare owner's action: the scans by `appId` are fine on FerretDB.
 */
export async function eraseApp(connection: Connection, repos: Repositories, appId: string, settle: () => Promise<void>): Promise<boolean> {
  if (!Types.ObjectId.isValid(appId)) return false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const ids = await repos.recordings.listSessionIds({ appId }, SESSIONS_PER_STEP);
    if (ids.length === 0) break;
    const { sessions } = await repos.recordings.deleteSessions(ids);
    if (sessions === 0) break;
  }
  const db = connection.db!;
  const app = new Types.ObjectId(appId);
  // Twice, each after what the implementation writes a moment later: a write in flight as the
  // erasure began (a message's list entries) lands before the second pass.
  for (let pass = 0; pass < 2; pass++) {
    await settle();
    for (const { name } of await db.listCollections().toArray()) {
      if (name === 'apps' || name === 'users' || name.startsWith('system.')) continue;
      const collection = db.collection(name);
      await collection.deleteMany({ appId: { $in: [app, appId] } });
      await collection.deleteMany({ _id: { $in: [appId, app] } } as Record<string, unknown>);
      // `<appId>:` ≤ id < `<appId>;` (';' follows ':'): the ids starting `<appId>:`, without a regex.
      await collection.deleteMany({ _id: { $gte: `${appId}:`, $lt: `${appId};` } } as Record<string, unknown>);
    }
  }
  await db.collection('users').updateMany({ appIds: app }, { $pull: { appIds: app } } as Record<string, unknown>);
  return (await db.collection('apps').deleteOne({ _id: app })).deletedCount > 0;
}
