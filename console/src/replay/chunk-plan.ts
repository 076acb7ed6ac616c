import type { ReplayChunk } from '../../../server/src/protocol/replay-events.js';

/**
 * Chunks to fetch for playing from `atTs` (the start when absent): from the last chunk holding a full
 * snapshot at or before that moment, so the first frame needs no earlier history, then the rest.
 */
export function chunkPlan(chunks: ReplayChunk[], atTs?: number): ReplayChunk[] {
  const sorted = [...chunks].sort((a, b) => a.seq - b.seq);
  const snapshots = sorted.filter((chunk) => chunk.hasFullSnapshot && (atTs === undefined || chunk.firstTs <= atTs));
  const from = atTs === undefined ? snapshots[0] : snapshots.at(-1);
  if (!from) return sorted;
  return sorted.filter((chunk) => chunk.seq >= from.seq);
}
