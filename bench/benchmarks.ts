import type { Benchmark } from './figure.js';
import { ingestCapacity } from './ingest-capacity.js';
import { recordingOverhead } from './recording-overhead.js';
import { widgetSize } from './widget-size.js';

/** Every benchmark, in the order `npm run bench` runs them. */
export const benchmarks: Benchmark[] = [widgetSize, recordingOverhead, ingestCapacity];
