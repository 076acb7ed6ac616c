import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestControl, IngestObserver } from '../storage/ports.js';

/** Buckets of the acknowledgement latency (seconds): the budget is p99 ≤ 250 ms. */
const ACK_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.175, 0.25, 0.5, 1, 2.5, 5, 10];
const DB_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const GROUP_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

export interface ServerMetrics {
  registry: Registry;
  /** One recording batch answered (`outcome`: stored, duplicate or the error code) after `seconds`. */
  batchAcked(outcome: string, bytes: number, seconds: number): void;
  /** Connected sockets of this node, read at each scrape. */
  connections(read: () => { visitors: number; agents: number }): void;
}

/**
 * This node's metrics in Prometheus' text format (GET /metrics, metrics-route.ts). Each node of a
 * scaled-out installation is scraped on its own: every figure here is the node's, never a total.
 */
export function createServerMetrics(ingest: IngestControl): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chatreel_' });
  const ack = new Histogram({ name: 'chatreel_ingest_ack_seconds', help: 'Time from a recording batch received to its acknowledgement sent', labelNames: ['outcome'], buckets: ACK_BUCKETS_S, registers: [registry] });
  const batches = new Counter({ name: 'chatreel_ingest_batches_total', help: 'Recording batches answered, by outcome', labelNames: ['outcome'], registers: [registry] });
  const bytes = new Counter({ name: 'chatreel_ingest_bytes_total', help: 'Compressed recording bytes received in answered batches', registers: [registry] });
  const groupSize = new Histogram({ name: 'chatreel_ingest_group_commit_chunks', help: 'Chunks per group commit (one insertMany)', buckets: GROUP_BUCKETS, registers: [registry] });
  const groupBytes = new Counter({ name: 'chatreel_ingest_group_commit_bytes_total', help: 'Chunk bytes written by group commits', registers: [registry] });
  const dbSeconds = new Histogram({ name: 'chatreel_db_round_trip_seconds', help: 'Database time of ingest writes, by operation', labelNames: ['operation'], buckets: DB_BUCKETS_S, registers: [registry] });
  new Gauge({ name: 'chatreel_ingest_pending_bytes', help: 'Chunk bytes queued or being written (backpressure bound: acknowledgements wait past it)', registers: [registry], collect() { this.set(ingest.stats().pendingBytes); } });
  new Gauge({ name: 'chatreel_ingest_waiting_writers', help: 'Batches waiting for room under backpressure', registers: [registry], collect() { this.set(ingest.stats().waitingWriters); } });
  new Gauge({ name: 'chatreel_ingest_write_behind_sessions', help: 'Sessions with derived state (counters, chunk headers) not written yet', registers: [registry], collect() { this.set(ingest.stats().pendingSessions); } });
  let readConnections = () => ({ visitors: 0, agents: 0 });
  new Gauge({ name: 'chatreel_connected_visitors', help: 'Visitor sockets connected to this node', registers: [registry], collect() { this.set(readConnections().visitors); } });
  new Gauge({ name: 'chatreel_connected_agents', help: 'Console sockets connected to this node', registers: [registry], collect() { this.set(readConnections().agents); } });

  const observer: IngestObserver = {
    groupWritten(chunks, written, ms) {
      groupSize.observe(chunks);
      groupBytes.inc(written);
      dbSeconds.observe({ operation: 'chunk-group-insert' }, ms / 1000);
    },
    pendingBytes() {},
    derivedFlushed(_sessions, ms) {
      dbSeconds.observe({ operation: 'write-behind-flush' }, ms / 1000);
    },
  };
  ingest.observe(observer);
  return {
    registry,
    batchAcked(outcome, received, seconds) {
      ack.observe({ outcome }, seconds);
      batches.inc({ outcome });
      bytes.inc(received);
    },
    connections(read) {
      readConnections = read;
    },
  };
}
