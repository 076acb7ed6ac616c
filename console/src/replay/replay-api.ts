import type { ReplayChunk, ReplayManifest } from '../../../server/src/protocol/replay-events.js';
import { replayChunkPath, replayManifestPath } from '../../../server/src/protocol/replay-chunk-url.js';
import { takeEarlyChunk, takeEarlyManifest } from '../boot/early-requests.js';
import type { RecordedEvent } from './timeline-markers.js';

/**
 * Reading a recording: the manifest, then chunks one by one (gzip of a JSON array of rrweb events).
 * The manifest and the first chunk may already be on their way, asked for by the page's early script
 * (early.ts).
 */

export class ReplayLoadError extends Error {}

/** An early request's answer when it succeeded; otherwise this request made now. */
async function adopt(early: Promise<Response> | undefined, path: string, signal?: AbortSignal): Promise<Response> {
  const response = await early?.catch(() => undefined);
  if (response?.ok) return response;
  return fetch(path, { credentials: 'same-origin', signal });
}

export async function fetchManifest(appId: string, sessionId: string, signal?: AbortSignal): Promise<ReplayManifest> {
  const response = await adopt(takeEarlyManifest(appId, sessionId), replayManifestPath(appId, sessionId), signal);
  const body = (await response.json().catch(() => null)) as { data?: ReplayManifest; error?: { message: string } } | null;
  if (!response.ok || !body?.data) throw new ReplayLoadError(body?.error?.message ?? `The recording could not be loaded (${response.status}).`);
  return body.data;
}

/** Inflates one stored batch. Recordings are untrusted: anything but an array of events is refused. */
export async function inflateEvents(data: ArrayBuffer | Uint8Array): Promise<RecordedEvent[]> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const events: unknown = await new Response(stream).json();
  if (!Array.isArray(events)) throw new ReplayLoadError('A recording chunk is not a list of events.');
  return events.filter(
    (event): event is RecordedEvent =>
      !!event && typeof event === 'object' && Number.isInteger((event as RecordedEvent).type) && Number.isFinite((event as RecordedEvent).timestamp),
  );
}

/** One stored batch as stored (gzip), or null when it is not stored (yet): the live view's read of a missing batch. */
export async function fetchChunkBytes(appId: string, sessionId: string, seq: number, signal?: AbortSignal): Promise<ArrayBuffer | null> {
  const response = await fetch(replayChunkPath(appId, sessionId, { seq }), { credentials: 'same-origin', signal });
  return response.ok ? response.arrayBuffer() : null;
}

/** One chunk's events: by its manifest header (a versioned URL, cached for good), or by seq alone. */
export async function fetchChunk(appId: string, sessionId: string, chunk: number | Pick<ReplayChunk, 'seq' | 'bytes'>, signal?: AbortSignal): Promise<RecordedEvent[]> {
  const header = typeof chunk === 'number' ? { seq: chunk } : chunk;
  const path = replayChunkPath(appId, sessionId, header);
  const response = await adopt(takeEarlyChunk(appId, sessionId, header.seq), path, signal);
  if (!response.ok) throw new ReplayLoadError(`Chunk ${header.seq} could not be loaded (${response.status}).`);
  return inflateEvents(await response.arrayBuffer());
}

/** Chunks fetched at once; delivery stays in seq order. */
const PARALLEL_CHUNK_FETCHES = 4;

/**
 * Fetches `seqs` with a few requests in flight and hands each chunk's events over in order, so the
 * player can show the first frame as soon as the first chunk is in.
 */
export async function streamChunks(
  seqs: number[],
  fetchOne: (seq: number) => Promise<RecordedEvent[]>,
  /** May return a promise: the stream waits for it before fetching further (the first frame's drawing). */
  deliver: (events: RecordedEvent[], seq: number, index: number) => unknown,
  signal?: AbortSignal,
): Promise<void> {
  const pending = new Map<number, Promise<RecordedEvent[]>>();
  let next = 0;
  const startMore = () => {
    while (next < seqs.length && pending.size < PARALLEL_CHUNK_FETCHES) {
      const seq = seqs[next++];
      const request = fetchOne(seq);
      request.catch(() => {}); // awaited below, in order
      pending.set(seq, request);
    }
  };
  for (let index = 0; index < seqs.length; index++) {
    startMore();
    const seq = seqs[index];
    const events = await pending.get(seq)!;
    pending.delete(seq);
    if (signal?.aborted) return;
    await deliver(events, seq, index);
  }
}
