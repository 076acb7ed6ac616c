import type { ReplayChunk } from './replay-events.js';

/**
 * Where the console fetches a stored recording chunk. The URL carries the chunk's version — its stored
 * length in bytes as first stored, from the manifest's header — and the server marks an answer to such
 * a URL cacheable for good (replay-routes.ts): a chunk's events never change, even when compaction
 * stores them again as other bytes. Its ETag is the sent blob's content hash.
 */
export function replayChunkPath(appId: string, sessionId: string, chunk: Pick<ReplayChunk, 'seq'> & Partial<Pick<ReplayChunk, 'bytes'>>): string {
  const path = `${replayManifestPath(appId, sessionId)}/chunks/${chunk.seq}`;
  // Without its header (a heatmap knows only seqs), a chunk's answer is re-checked by its ETag.
  return chunk.bytes === undefined ? path : `${path}?${CHUNK_VERSION_PARAM}=${chunkVersion(chunk.bytes)}`;
}

export function replayManifestPath(appId: string, sessionId: string): string {
  return `/api/apps/${encodeURIComponent(appId)}/sessions/${encodeURIComponent(sessionId)}/replay`;
}

export const CHUNK_VERSION_PARAM = 'v';

/** A stored blob's version as its URL names it. */
export const chunkVersion = (storedBytes: number): string => String(storedBytes);

/** A query value that is a version as chunkVersion writes them. */
export const isChunkVersion = (value: unknown): boolean => typeof value === 'string' && /^\d{1,12}$/.test(value);
