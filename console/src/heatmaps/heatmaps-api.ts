import type { Heatmap, HeatmapSnapshot, WidthFilter } from '../../../server/src/protocol/heatmaps.js';
import { MAX_HEATMAP_SNAPSHOT_CHUNKS } from '../../../server/src/protocol/limits.js';
import { request } from '../api-client.js';
import { EventStream } from '../replay/event-stream.js';
import { fetchChunk } from '../replay/replay-api.js';
import { EVENT_FULL_SNAPSHOT, type RecordedEvent } from '../replay/timeline-markers.js';

export interface HeatmapRequest {
  path: string;
  from: string;
  to: string;
  width: WidthFilter;
}

/** The page's heatmap: aggregates only, the server reads no recording for it. */
export function fetchHeatmap(appId: string, query: HeatmapRequest): Promise<Heatmap> {
  return request<Heatmap>('GET', `/apps/${encodeURIComponent(appId)}/heatmaps?${new URLSearchParams({ ...query })}`);
}

/**
 * The stored full snapshot a heatmap is drawn over: its chunks (Meta through snapshot, at most
 * MAX_HEATMAP_SNAPSHOT_CHUNKS), split events joined. Null when the recording is gone (retention,
 * erasure) or holds no snapshot there.
 */
export async function fetchSnapshotEvent(appId: string, snapshot: HeatmapSnapshot, signal?: AbortSignal): Promise<RecordedEvent | null> {
  const last = Math.min(snapshot.lastSeq, snapshot.firstSeq + MAX_HEATMAP_SNAPSHOT_CHUNKS - 1);
  const seqs = Array.from({ length: Math.max(0, last - snapshot.firstSeq + 1) }, (_, i) => snapshot.firstSeq + i);
  const chunks = await Promise.allSettled(seqs.map((seq) => fetchChunk(appId, snapshot.sessionId, seq, signal)));
  const stream = new EventStream();
  const events = chunks.flatMap((chunk) => (chunk.status === 'fulfilled' ? stream.push(chunk.value) : []));
  return events.find((event) => event.type === EVENT_FULL_SNAPSHOT && event.timestamp === snapshot.ts) ?? events.find((event) => event.type === EVENT_FULL_SNAPSHOT) ?? null;
}
