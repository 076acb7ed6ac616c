import { gunzipSync } from 'node:zlib';
import type { SessionSignal, TimelineEntry } from '../protocol/insights.js';
import { MAX_BATCH_DECOMPRESSED_BYTES, MAX_INSIGHT_INFLATED_BYTES } from '../protocol/limits.js';
import { EventPartJoiner, type RecordedEvent } from '../protocol/recording-events.js';
import { HeatmapReader, type SessionHeatmap } from '../heatmaps/heatmap-reader.js';
import { FactsReader } from './session-facts.js';
import { detectSignals } from './signals.js';
import { MAX_PROMPT_TIMELINE_CHARS, MAX_PROMPT_TRANSCRIPT_CHARS, type SummaryInput } from './summaries.js';
import { boundedTranscript, buildTimeline, compressTimeline, cutNote, type InsightMessage } from './timeline.js';

/** What the analysis of one session needs; plain data, so it can cross to a worker thread. */
export interface AnalysisInput {
  /** The session's stored chunks (gzip of a JSON array of rrweb events), oldest first. */
  chunks: Uint8Array[];
  /** The seq of each chunk (same order), so the heatmaps can name where a page's snapshot is stored. */
  seqs?: number[];
  /** Why the chunks end before the recording does (the stored bytes read were bounded), or null. */
  cutReason: string | null;
  messages: InsightMessage[];
  /** The chat's note when the visitor asks for a person (chat-service NOTES.askedForHuman). */
  askedForHumanNote: string;
  session: { startedAt: number; endedAt: number | null; endReason: string | null };
}

export interface Analysis {
  signals: SessionSignal[];
  timeline: TimelineEntry[];
  summaryInput: SummaryInput;
  /** Set when the recording was read only in part: where and why. */
  note: string | null;
  /** What the session adds to its application's heatmaps (issue 22, part 4). */
  heatmap: SessionHeatmap;
}

const MB = 1_000_000;

/**
 * The insights of one session from its stored chunks: decode, join split events, read facts, detect
 * signals, build the timeline. Pure and CPU-heavy: it runs in a worker thread (task `insights:analyze`).
 * Chunks are read one at a time and never held decoded together: past MAX_INSIGHT_INFLATED_BYTES of
 * decoded JSON (or any budget of the facts reader) the recording is cut, and the analysis says where.
 * A chunk that does not decode is skipped: the insights are built from what is there.
 */
export function analyzeRecording(input: AnalysisInput): Analysis {
  const reader = new FactsReader();
  const joiner = new EventPartJoiner();
  // Read after the facts reader for each event: its copy of the page knows the widget's nodes by then.
  const heatmap = new HeatmapReader((id) => reader.inWidget(id));
  let inflated = 0;
  for (const [index, chunk] of input.chunks.entries()) {
    const events = decodeChunk(chunk);
    if (!events) continue;
    inflated += events.bytes;
    if (inflated > MAX_INSIGHT_INFLATED_BYTES) {
      reader.cut(`it exceeded ${MAX_INSIGHT_INFLATED_BYTES / MB} MB`);
      break;
    }
    for (const event of events.list) {
      const joined = joiner.push(event as RecordedEvent);
      if (!joined) continue;
      if (!reader.read(joined)) break;
      heatmap.read(joined, index);
    }
    if (reader.isCut) break;
  }
  if (input.cutReason) reader.cut(input.cutReason);
  const facts = reader.finish();

  const messages = input.messages;
  const signals = detectSignals(facts, messages, input.askedForHumanNote);
  const { startedAt, endedAt, endReason } = input.session;
  const timeline = buildTimeline(facts, messages, endedAt);
  const start = facts.startTs ?? messages[0]?.createdAt.getTime() ?? startedAt;
  const lastMessageAt = messages.at(-1)?.createdAt.getTime() ?? start;
  const end = Math.max(facts.endTs ?? start, lastMessageAt, endedAt ?? start);
  const note = cutNote(facts.cut, facts.startTs);
  return {
    signals,
    timeline,
    summaryInput: {
      timeline,
      timelineText: compressTimeline(timeline.filter((entry) => entry.kind !== 'message'), MAX_PROMPT_TIMELINE_CHARS),
      transcriptText: boundedTranscript(messages, start, MAX_PROMPT_TRANSCRIPT_CHARS),
      signals,
      endReason,
      durationMs: end - start,
      note,
    },
    note,
    heatmap: heatmap.finish(input.seqs ?? []),
  };
}

function decodeChunk(chunk: Uint8Array): { list: unknown[]; bytes: number } | null {
  try {
    // Checked at ingest; bounded again here for chunks stored before (or around) those checks.
    const json = gunzipSync(chunk, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
    const list: unknown = JSON.parse(json.toString('utf8'));
    return Array.isArray(list) ? { list, bytes: json.length } : null;
  } catch {
    return null;
  }
}
