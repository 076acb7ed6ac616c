import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';

/** How long a migrating process holds the lease without renewing it before another may take over. */
const LEASE_MS = 60_000;
const WAIT_POLL_MS = 500;

/**
 * Runs `migrate` once per database for layout `version`: the process that takes the lease document
 * (`<name>:lease` in `collection`) migrates and writes the marker (`<name>`); any other process
 * starting on the same database at the same moment waits for the marker. A holder that stops renewing
 * (it died) loses the lease after LEASE_MS, and the next process migrates.
 */
export async function migrateOnce(collection: Collection, name: string, version: number, migrate: () => Promise<void>): Promise<void> {
  const current = async () => Number((await collection.findOne({ _id: name } as never))?.version) || 0;
  const owner = randomUUID();
  const lease = `${name}:lease`;
  const take = async () => {
    const now = Date.now();
    try {
      const result = await collection.updateOne(
        { _id: lease, $or: [{ owner }, { expiresAt: { $lt: now } }] } as never,
        { $set: { owner, expiresAt: now + LEASE_MS } },
        { upsert: true },
      );
      return result.matchedCount + result.upsertedCount === 1;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false; // held by another: the upsert met its document
      throw error;
    }
  };
  for (;;) {
    if ((await current()) === version) return;
    if (await take()) break;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  const renew = setInterval(() => void take().catch(() => {}), LEASE_MS / 3).unref();
  try {
    if ((await current()) === version) return;
    await migrate();
    await collection.updateOne({ _id: name } as never, { $set: { version } }, { upsert: true });
  } finally {
    clearInterval(renew);
    await collection.deleteOne({ _id: lease, owner } as never);
  }
}
