import type { FontFileType } from '../protocol/replay-fonts.js';

/**
 * Font files of an application's pages, stored for the replay (issue 19). Content-addressed: one
 * document per application and SHA-256 (`<appId>:<sha256>`), so a file is stored once however many
 * pages and sessions use it, and every read and write is by `_id`. Fonts are not personal data: they
 * are kept apart from sessions and outlive them.
 */
export interface FontFile {
  appId: string;
  sha256: string;
  type: FontFileType;
  data: Buffer;
}

export interface FontFilesRepository {
  /** The hashes among `sha256s` that the application stores. */
  stored(appId: string, sha256s: string[]): Promise<Set<string>>;
  /**
   * Counts `bytes` into the application's font bytes unless that would pass `maxBytes`; false then.
   * One conditional update: two processes reserving at once never pass the quota together.
   */
  reserve(appId: string, bytes: number, maxBytes: number): Promise<boolean>;
  /** Gives back a reservation that was not used (the file was there already, or could not be stored). */
  release(appId: string, bytes: number): Promise<void>;
  /** Stores the file; false when the application stored it before (nothing is written then). */
  insert(file: FontFile & { storedAt: Date }): Promise<boolean>;
  find(appId: string, sha256: string): Promise<FontFile | null>;
  /** The application's stored font bytes as counted by `reserve`. */
  usedBytes(appId: string): Promise<number>;
}
