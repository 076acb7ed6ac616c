import { APP_USAGE_RECHECK_MS, MAX_SESSION_STORED_BYTES } from '../protocol/limits.js';
import type { AppRecord, Repositories, SessionRecord } from '../storage/ports.js';

export type QuotaScope = 'session' | 'app';

export interface StorageQuota {
  /** The quota that storing `bytes` more for this session would pass, or null. */
  exceeded(session: SessionRecord, bytes: number): Promise<QuotaScope | null>;
  /** Bytes this node just stored for the application, counted until its usage is read again. */
  stored(appId: string, bytes: number): void;
}

/** An application's quota in bytes (its setting is in GB of 10^9 bytes). */
export const quotaBytesOf = (app: Pick<AppRecord, 'settings'>): number => app.settings.storageQuotaGb * 1_000_000_000;

/**
 * Storage quotas per session (MAX_SESSION_STORED_BYTES against `sessions.bytes`) and per application
 * (its `storageQuotaGb` setting against its stored-bytes counter, both kept by `$inc` in the database).
 * An application's usage is read at most every APP_USAGE_RECHECK_MS per node (in the background up to
 * twice that age), plus what this node stored since: several nodes together may pass the quota by what
 * they store in that time.
 */
export function createStorageQuota(repos: Repositories, now: () => Date): StorageQuota {
  const apps = new Map<string, { usedBytes: number; quotaBytes: number; readAt: number }>();

  const refreshing = new Map<string, Promise<{ usedBytes: number; quotaBytes: number; readAt: number }>>();

  function refresh(appId: string) {
    let read = refreshing.get(appId);
    if (!read) {
      read = Promise.all([repos.apps.findById(appId), repos.recordings.storedBytes(appId)])
        .then(([app, usedBytes]) => {
          const fresh = { usedBytes, quotaBytes: app ? quotaBytesOf(app) : 0, readAt: now().getTime() };
          apps.set(appId, fresh);
          return fresh;
        })
        .finally(() => refreshing.delete(appId));
      refreshing.set(appId, read);
    }
    return read;
  }

  async function usage(appId: string) {
    const cached = apps.get(appId);
    const age = cached ? now().getTime() - cached.readAt : Infinity;
    if (age < APP_USAGE_RECHECK_MS) return cached!;
    // Read again in the background while the count is less than twice as old: no batch waits for the
    // read (it writes this node's pending counts first), and nodes lag each other by one more period.
    if (age < 2 * APP_USAGE_RECHECK_MS) {
      refresh(appId).catch(() => {});
      return cached!;
    }
    return refresh(appId);
  }

  return {
    async exceeded(session, bytes) {
      if (session.bytes + bytes > MAX_SESSION_STORED_BYTES) return 'session';
      const app = await usage(session.appId);
      return app.usedBytes + bytes > app.quotaBytes ? 'app' : null;
    },
    stored(appId, bytes) {
      const cached = apps.get(appId);
      if (cached) cached.usedBytes += bytes;
    },
  };
}
