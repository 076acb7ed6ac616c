import { Worker } from 'node:worker_threads';

/**
 * Polls `/healthz` while hostile work runs and keeps every answer's time: a server whose event loop is
 * stalled answers late or not at all (an unanswered probe counts as its time limit). The probe runs in
 * a thread of its own, so the test's own work (generating cases, compressing them) never delays the
 * reading of an answer and is never mistaken for the server's slowness.
 */
export interface HealthReport {
  count: number;
  maxMs: number;
  p99Ms: number;
  failures: number;
}

export interface HealthProbe {
  /** Stops polling and resolves with how many answers came and how long they took (ms). */
  stop(): Promise<HealthReport>;
}

const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, intervalMs, timeoutMs } = workerData;
const times = [];
let failures = 0;
let running = true;
parentPort.on('message', () => (running = false));
(async () => {
  while (running) {
    const started = performance.now();
    const ok = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
      async (response) => (await response.arrayBuffer(), response.ok),
      () => false,
    );
    times.push(ok ? performance.now() - started : timeoutMs);
    if (!ok) failures += 1;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  parentPort.postMessage({ times, failures });
})();
`;

export function probeHealth(baseUrl: string, options: { intervalMs?: number; timeoutMs?: number } = {}): HealthProbe {
  const worker = new Worker(PROBE_THREAD, {
    eval: true,
    workerData: { url: `${baseUrl}/healthz`, intervalMs: options.intervalMs ?? 50, timeoutMs: options.timeoutMs ?? 2_000 },
  });
  const done = new Promise<{ times: number[]; failures: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const { times, failures } = await done;
      await worker.terminate();
      const sorted = [...times].sort((a, b) => a - b);
      return {
        count: times.length,
        maxMs: sorted.at(-1) ?? 0,
        p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
        failures,
      };
    },
  };
}
