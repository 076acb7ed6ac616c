import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { childPids } from '../server/src/testing/server-process.js';
import { cpuSeconds } from './proc-stats.js';
import { percentile } from './stats.js';

/** Each simulated visitor sends one batch this often (as ingest-visitor-worker.ts does). */
const BATCH_INTERVAL_MS = 2_000;

export interface VisitorLoad {
  connected: number;
  /** Starts a window: CPU, load average and the load's own acknowledgements are counted from here. */
  mark(): void;
  /** What the load did since mark(): batches acknowledged, their p99, CPU of server, database and load. */
  report(): string;
  stop(): void;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * `visitors` recording visitors (real socket.io-client, one gzip batch every 2 s each) split over
 * `workers` child processes (bench/ingest-visitor-worker.ts), beside a benchmark on the same server.
 */
export async function startVisitorLoad(url: string, key: string, visitors: number, serverPid: number, workers = 2): Promise<VisitorLoad> {
  const file = fileURLToPath(new URL('./ingest-visitor-worker.ts', import.meta.url));
  const children: ChildProcess[] = [];
  let latencies: number[] = [];
  let errors = 0;
  const perWorker = Math.ceil(visitors / workers);
  const counts = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise<number>((resolve, reject) => {
        const child = fork(file, [url, key, String(perWorker), `live-${w}`], { execArgv: ['--import', 'tsx'] });
        children.push(child);
        child.once('exit', (code) => reject(new Error(`load worker exited (${code})`)));
        child.on('message', (m: { type: string; connected?: number; latencies?: number[]; errors?: number }) => {
          if (m.type === 'connected') resolve(m.connected!);
          if (m.type === 'latencies') (latencies.push(...m.latencies!), (errors += m.errors!));
        });
      }),
    ),
  );
  const pids = () => [serverPid, childPids(serverPid)[0] ?? 0, ...children.map((c) => c.pid!)];
  let since = { at: Date.now(), cpu: pids().map(cpuSeconds), load: loadAverage() };
  const connected = counts.reduce((a, b) => a + b, 0);
  return {
    connected,
    mark() {
      latencies = [];
      errors = 0;
      since = { at: Date.now(), cpu: pids().map(cpuSeconds), load: loadAverage() };
    },
    report() {
      const seconds = (Date.now() - since.at) / 1000;
      const [server, database, ...load] = pids().map((pid, i) => (((cpuSeconds(pid) - since.cpu[i]) / seconds) * 100).toFixed(0));
      const expected = Math.round((connected * seconds * 1000) / BATCH_INTERVAL_MS);
      return (
        `${connected} recording visitors (a batch every ${BATCH_INTERVAL_MS / 1000} s each, ${workers} load processes): ` +
        `${latencies.length}/${expected} batches acknowledged, ack p99 ${percentile(latencies, 99).toFixed(0)} ms, ${errors} errors; ` +
        `CPU % of a core: server ${server}, database ${database}, load processes ${load.join(' + ')}; ` +
        `load average ${since.load} → ${loadAverage()} (${os.cpus().length} CPUs)`
      );
    },
    stop() {
      for (const child of children) {
        child.removeAllListeners('exit');
        child.send({ type: 'stop' });
      }
    },
  };
}
