/**
 * The catalogue of work a worker thread can do: each task's name, input and output. Inputs and outputs
 * cross a thread boundary (structured clone), so they are plain data. A feature adds its task here and
 * its implementation in its own folder; `tasks-entry.ts` is what the worker runs.
 */
import { hashPasswordNow, verifyPasswordNow } from '../auth/password-hashing.js';
import { analyzeRecording, type AnalysisInput } from '../insights/analyze-recording.js';
import { readBatchSync } from '../ingest/batch-reading.js';
import { runAtBackgroundPriority } from './background-priority.js';
import { buildSegments, type SegmentInputChunk } from '../storage/segment-codec.js';

export const TASKS = {
  'password:hash': (input: { password: string }) => hashPasswordNow(input.password),
  'password:verify': (input: { password: string; hash: string }) => verifyPasswordNow(input.password, input.hash),
  /** A recording batch too large to read on the event loop (ingest/batch-decoder.ts). */
  'ingest:decode': (input: { data: Uint8Array }) => readBatchSync(input.data),
  /** A session's insights from its stored chunks (transferred, not copied); see insights/analyze-recording.ts. */
  'insights:analyze': (input: AnalysisInput) => {
    runAtBackgroundPriority();
    return analyzeRecording(input);
  },
  /** A completed recording's chunks compressed again as segments (issue 20); see storage/segment-codec.ts. */
  'recording:compact': (input: { chunks: SegmentInputChunk[] }) => {
    runAtBackgroundPriority();
    return buildSegments(input.chunks);
  },
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;

/**
 * Tasks that run on the background lane: one thread of lower CPU priority, so a long analysis never
 * holds up a sign-in or a visitor's batch (worker-pool.ts `createWorkers`).
 */
export const BACKGROUND_TASKS: ReadonlySet<TaskName> = new Set<TaskName>(['insights:analyze', 'recording:compact']);
