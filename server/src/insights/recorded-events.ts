import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { MAX_BATCH_DECOMPRESSED_BYTES } from '../protocol/limits.js';
import { joinEventParts, type RecordedEvent } from '../protocol/recording-events.js';
import type { Repositories } from '../storage/ports.js';

const gunzipAsync = promisify(gunzip);

/** Insights read at most this many chunks of one session (~14 h at one batch per 5 s). */
export const MAX_INSIGHT_CHUNKS = 10_000;
/** … and at most this many events; the rest of a longer recording is left out of its insights. */
export const MAX_INSIGHT_EVENTS = 300_000;

/**
 * A session's recorded events, oldest chunk first, read by `_id` (`<sessionId>:<seq>` for seq 1..maxSeq,
 * the only lookup FerretDB 1.x serves without a scan). A missing or unreadable chunk is skipped: the
 * insights are built from what is there.
 */
export async function loadRecordedEvents(repos: Repositories, sessionId: string): Promise<RecordedEvent[]> {
  const maxSeq = Math.min(await repos.recordings.maxSeq(sessionId), MAX_INSIGHT_CHUNKS);
  const events: RecordedEvent[] = [];
  for (let seq = 1; seq <= maxSeq && events.length < MAX_INSIGHT_EVENTS; seq++) {
    const data = await repos.recordings.chunkData(sessionId, seq);
    if (!data) continue;
    try {
      const json = await gunzipAsync(data, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
      const batch = JSON.parse(json.toString('utf8')) as unknown;
      if (Array.isArray(batch)) events.push(...(batch.slice(0, MAX_INSIGHT_EVENTS - events.length) as RecordedEvent[]));
    } catch {
      // Stored blobs were checked at ingest; one that still fails to read is left out, not fatal.
    }
  }
  return joinEventParts(events);
}
