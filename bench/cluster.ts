import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { startCluster, openSharedDatabase, type Cluster } from '../server/src/testing/cluster-processes.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { atMost, type Benchmark, type Figure } from './figure.js';
import { syntheticBatch } from './fixtures/synthetic-batch.js';
import { percentile } from './stats.js';

/**
 * Issue 16 on this machine: two nodes (real processes) on the MongoDB-semantics engine, Redis and
 * HAProxy (deploy/haproxy.cfg). Cross-node live latency (a batch acknowledged on node A to the
 * agent's console on node B), what was lost or stored twice, and visitors sustained by one node
 * against two behind the balancer (the same 2 cores for both: the ratio says what sharing costs).
 */
const LIVE_SAMPLES = 200;
const LIVE_GAP_MS = 50;
const P99_LIMIT_MS = 250;
const BATCH_INTERVAL_MS = 2_000;
/** A level is measured from this long after its visitors connected (as ingest-capacity does): their start is a burst, no steady state. */
const SETTLE_MS = 2 * BATCH_INTERVAL_MS;
const WORKERS = 2;
const NAME = 'cluster';

export const cluster: Benchmark = {
  name: NAME,
  description: 'two nodes + Redis + HAProxy on the MongoDB-semantics engine: cross-node live latency, lost/duplicated entries, visitors sustained by 1 vs 2 nodes',
  async run({ quick }) {
    const steps = quick ? [25, 50, 100, 200, 400] : [50, 100, 250, 500, 750, 1000, 1500, 2000];
    const holdMs = quick ? 8_000 : 15_000;
    // Each ramp on a cluster of its own: a ramp ends past what its nodes hold, and nodes still working
    // off that backlog would spoil the next ramp (a cooldown on the same cluster was not enough).
    const { figures, one } = await withCluster(async (running, key) => ({
      figures: await liveAcrossNodes(running, key),
      one: await sustained(running.nodes[0].url, key, steps, holdMs, 'one node (direct)'),
    }));
    const two = await withCluster((running, key) => sustained(running.url, key, steps, holdMs, 'two nodes (balancer)'));
    figures.push(
      { benchmark: NAME, figure: 'visitors sustained, 1 node', value: one, unit: 'visitors', budget: null, note: 'p99 ack ≤ 250 ms, no errors; node A alone, other node idle' },
      {
        benchmark: NAME,
        figure: 'visitors sustained, 2 nodes behind HAProxy',
        value: two,
        unit: 'visitors',
        budget: null,
        note: `ratio ${one > 0 ? (two / one).toFixed(2) : 'n/a (1 node held no step)'}; both nodes, the database, Redis, HAProxy and the load generator share ${os.cpus().length} cores; load average at the end ${os.loadavg()[0].toFixed(1)}`,
      },
    );
    return figures;
  },
};

/** A fresh cluster (two nodes, Redis, HAProxy, the database) and the demo application's key, stopped after `use`. */
async function withCluster<T>(use: (running: Cluster, key: string) => Promise<T>): Promise<T> {
  const running = await startCluster({ DEMO_APP: 'on', LOG_LEVEL: 'error' });
  try {
    const key = (await (await fetch(`${running.nodes[0].url}/demo/`)).text()).match(/data-key="(pk_[\w-]+)"/)![1];
    return await use(running, key);
  } finally {
    await running.stop();
  }
}

/** A visitor on node A records; the owner's console on node B watches. Every batch: ack → replay:batch on B. */
async function liveAcrossNodes(running: Cluster, key: string): Promise<Figure[]> {
  const [A, B] = running.nodes.map((node) => node.url);
  const owner = new HttpClient(B);
  await owner.signIn();
  const visitor = io(`${A}/visitor`, { auth: { key }, transports: ['websocket'], extraHeaders: { origin: A }, reconnection: false });
  await new Promise((resolve) => visitor.once('widget:ready', resolve));
  const started = await visitor.emitWithAck('session:start', { url: `${A}/demo/`, viewport: { width: 1280, height: 800 } });
  const sessionId: string = started.data.session.id;
  const opened = await visitor.emitWithAck('recording:start', { sessionId });
  const firstSeq: number = opened.data.nextSeq;
  const agent = io(`${B}/console`, { transports: ['websocket'], extraHeaders: { cookie: owner.cookie, origin: B }, reconnection: false });
  await new Promise((resolve) => agent.once('console:ready', resolve));
  await agent.emitWithAck('replay:watch', { sessionId });

  const sentAt = new Map<number, number>();
  const received = new Map<number, number>();
  const latencies: number[] = [];
  agent.on('replay:batch', ({ seq }: { seq: number }) => {
    received.set(seq, (received.get(seq) ?? 0) + 1);
    const at = sentAt.get(seq);
    if (at !== undefined && received.get(seq) === 1) latencies.push(performance.now() - at);
  });
  for (let i = 0; i < LIVE_SAMPLES; i++) {
    const seq = firstSeq + i;
    sentAt.set(seq, performance.now());
    await visitor.emitWithAck('recording:batch', { sessionId, seq, data: syntheticBatch(Date.now(), seq) });
    await new Promise((resolve) => setTimeout(resolve, LIVE_GAP_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  visitor.close();
  agent.close();

  const db = await openSharedDatabase(running);
  const stored = (await db.repos.recordings.listChunks(sessionId, 0, 100_000)).map((chunk) => chunk.seq);
  await db.close();
  const sent = [...sentAt.keys()];
  const lostStored = sent.filter((seq) => !stored.includes(seq)).length;
  const twiceStored = stored.length - new Set(stored).size;
  const lostLive = sent.filter((seq) => !received.has(seq)).length;
  const twiceLive = [...received.values()].filter((n) => n > 1).length;
  process.stdout.write(`  live A→B: ${latencies.length}/${sent.length} batches, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms\n`);
  return [
    { benchmark: NAME, figure: 'cross-node live latency p50 (ack on A → console on B)', value: percentile(latencies, 50), unit: 'ms', budget: null, note: `${LIVE_SAMPLES} batches, one every ~${LIVE_GAP_MS} ms` },
    { benchmark: NAME, figure: 'cross-node live latency p95', value: percentile(latencies, 95), unit: 'ms', budget: atMost(250, 'ms') },
    { benchmark: NAME, figure: 'batches lost (stored)', value: lostStored, unit: 'batches', budget: atMost(0, 'batches') },
    { benchmark: NAME, figure: 'batches stored twice', value: twiceStored, unit: 'batches', budget: atMost(0, 'batches') },
    { benchmark: NAME, figure: 'batches lost on the way to the other node\'s console', value: lostLive, unit: 'batches', budget: atMost(0, 'batches') },
    { benchmark: NAME, figure: 'batches delivered twice to the console', value: twiceLive, unit: 'batches', budget: atMost(0, 'batches') },
  ];
}

/** Ramps recording visitors (bench/ingest-visitor-worker.ts processes) against `url`; the largest level held at p99 ≤ 250 ms. */
async function sustained(url: string, key: string, steps: number[], holdMs: number, label: string): Promise<number> {
  const workerFile = fileURLToPath(new URL('./ingest-visitor-worker.ts', import.meta.url));
  const workers: ChildProcess[] = [];
  let latencies: number[] = [];
  let errors = 0;
  let running = 0;
  let best = 0;
  try {
    for (const target of steps) {
      const perWorker = Math.ceil((target - running) / WORKERS);
      const connected = await Promise.all(
        Array.from({ length: WORKERS }, (_, w) =>
          new Promise<{ connected: number; failed: number }>((resolve) => {
            const worker = fork(workerFile, [url, key, String(perWorker), `${label}-${target}-${w}`], { execArgv: ['--import', 'tsx'] });
            worker.on('message', (m: { type: string; connected?: number; failed?: number; latencies?: number[]; errors?: number }) => {
              if (m.type === 'connected') resolve({ connected: m.connected!, failed: m.failed ?? 0 });
              if (m.type === 'latencies') {
                latencies.push(...m.latencies!);
                errors += m.errors!;
              }
            });
            workers.push(worker);
          }),
        ),
      );
      running += connected.reduce((sum, c) => sum + c.connected, 0);
      const failed = connected.reduce((sum, c) => sum + c.failed, 0);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      latencies = [];
      errors = 0;
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      const p99 = percentile(latencies, 99);
      const keepingUp = latencies.length >= 0.9 * ((running * holdMs) / BATCH_INTERVAL_MS);
      process.stdout.write(`  ${label}: ${running} visitors, ${latencies.length} acks, p99 ${p99.toFixed(1)} ms, errors ${errors}${failed ? `, ${failed} failed to connect` : ''}\n`);
      if (!(p99 <= P99_LIMIT_MS) || errors > 0 || failed > 0 || !keepingUp) break;
      best = running;
    }
  } finally {
    for (const worker of workers) worker.send({ type: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return best;
}
