import { createHash } from 'node:crypto';
import type { AppsService } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { ADMISSION_WINDOW_MS, FONT_UPLOADS_PER_SESSION, MAX_APP_FONT_BYTES, MAX_FONT_FILE_BYTES } from '../protocol/limits.js';
import { fontFileType, SHA256_HEX } from '../protocol/replay-fonts.js';
import { createRateLimit, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import type { FontFile, FontFilesRepository } from '../storage/ports.js';
import type { SessionRecord, UserRecord } from '../storage/ports.js';

export interface FontService {
  /** The hashes the session's application does not store (an application never learns another's files). */
  missing(session: SessionRecord, hashes: string[]): Promise<string[]>;
  /** Stores a font file the session's page uses; `stored` false when the application had it already. */
  store(session: SessionRecord, sha256: string, data: Uint8Array): Promise<{ stored: boolean }>;
  /** A stored file, for a member of its application (E_NOT_FOUND otherwise, as for a missing one). */
  read(user: UserRecord, appId: string, sha256: string): Promise<FontFile>;
}

/**
 * Font files for the replay (issue 19). Bytes only: the server never fetches a URL for a font. A file
 * is taken when it is one (its signature says WOFF2, WOFF, TrueType or OpenType), no larger than
 * MAX_FONT_FILE_BYTES, its SHA-256 is the one claimed, and the application's font bytes stay within
 * MAX_APP_FONT_BYTES; each refusal has its code.
 */
export function createFontService(deps: { fonts: FontFilesRepository; apps: AppsService; rateLimits: RateLimitStore; now?: () => Date }): FontService {
  const { fonts, apps } = deps;
  const now = deps.now ?? (() => new Date());
  const uploads = createRateLimit(
    { name: 'font-uploads-session', points: FONT_UPLOADS_PER_SESSION, windowMs: ADMISSION_WINDOW_MS, message: 'Too many font files for this session.' },
    deps.rateLimits,
  );

  return {
    async missing(session, hashes) {
      const stored = await fonts.stored(session.appId, [...new Set(hashes)]);
      return hashes.filter((hash) => !stored.has(hash));
    },

    async store(session, sha256, data) {
      if (data.length > MAX_FONT_FILE_BYTES) throw new AppError('E_TOO_LARGE', `A font file may be at most ${MAX_FONT_FILE_BYTES} bytes.`);
      await uploads.take(session.id);
      const type = fontFileType(data);
      if (!type) throw new AppError('E_NOT_A_FONT');
      if (createHash('sha256').update(data).digest('hex') !== sha256) throw new AppError('E_HASH_MISMATCH');
      const { appId } = session;
      if ((await fonts.stored(appId, [sha256])).has(sha256)) return { stored: false };
      if (!(await fonts.reserve(appId, data.length, MAX_APP_FONT_BYTES))) throw new AppError('E_FONT_QUOTA_EXCEEDED');
      let stored = false;
      try {
        stored = await fonts.insert({ appId, sha256, type, data: Buffer.from(data.buffer, data.byteOffset, data.length), storedAt: now() });
      } finally {
        // Stored by another upload meanwhile, or not at all: the bytes were not used.
        if (!stored) await fonts.release(appId, data.length);
      }
      return { stored };
    },

    async read(user, appId, sha256) {
      await apps.getFor(user, appId);
      const file = SHA256_HEX.test(sha256) ? await fonts.find(appId, sha256) : null;
      if (!file) throw new AppError('E_NOT_FOUND');
      return file;
    },
  };
}
