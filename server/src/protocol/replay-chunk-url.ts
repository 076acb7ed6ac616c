import type { ReplayChunk } from './replay-events.js';

/**
 * Where the console fetches a stored recording chunk. The URL carries the chunk's version — its stored
 * length in bytes, from the manifest's header — so a chunk whose stored blob is rewritten (recompressed:
 * other bytes, the same events) gets a new URL, and a browser may keep each URL's answer for good. The
 * server marks an answer cacheable for good only when the blob it sends has the version its URL names
 * (replay-routes.ts); its ETag is the blob's content hash either way.
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
