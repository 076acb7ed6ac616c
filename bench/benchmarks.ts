import type { Benchmark } from './figure.js';
import { cluster } from './cluster.js';
import { consoleQueries } from './console-queries.js';
import { heatmaps } from './heatmaps.js';
import { hostileSoak } from './hostile-soak.js';
import { ingestCapacity } from './ingest-capacity.js';
import { liveLatency } from './live-latency.js';
import { recordingOverhead } from './recording-overhead.js';
import { replayFirstFrame } from './replay-first-frame.js';
import { storage } from './storage.js';
import { widgetSize } from './widget-size.js';

/** Every benchmark, in the order `npm run bench` runs them. */
export const benchmarks: Benchmark[] = [widgetSize, recordingOverhead, storage, ingestCapacity, liveLatency, replayFirstFrame, consoleQueries, hostileSoak, cluster, heatmaps];
