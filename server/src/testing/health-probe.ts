import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Polls `/healthz` while hostile work runs and keeps every answer's time: a server whose event loop is
 * stalled answers late or not at all (an unanswered probe counts as its time limit).
 *
 * On a shared 2-core machine, an idle process may itself wait hundreds of milliseconds for the CPU.
 * So each poll also asks a control: a bare HTTP server in a process of its own, doing nothing else, at
 * the same moment. `maxExcessMs` is the worst time the server took beyond the control's: the server's
 * own delay, with the machine's left out. The probe runs in a thread of its own, so the test's own work
 * (generating cases, compressing them) never delays the reading of an answer.
 */
export interface HealthReport {
  count: number;
  maxMs: number;
  p99Ms: number;
  /** The control's slowest answer: what the machine alone cost. */
  controlMaxMs: number;
  /** The worst of (server's time − control's time at the same poll). */
  maxExcessMs: number;
  failures: number;
}

export interface HealthProbe {
  stop(): Promise<HealthReport>;
}

const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, controlUrl, intervalMs, timeoutMs } = workerData;
const rounds = [];
let failures = 0;
let running = true;
parentPort.on('message', () => (running = false));
const timed = async (target) => {
  const started = performance.now();
  const ok = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) }).then(
    async (response) => (await response.arrayBuffer(), response.ok),
    () => false,
  );
  return ok ? performance.now() - started : null;
};
(async () => {
  while (running) {
    const [server, control] = await Promise.all([timed(url), timed(controlUrl)]);
    if (server === null) failures += 1;
    rounds.push({ server: server ?? timeoutMs, control: control ?? timeoutMs });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  parentPort.postMessage({ rounds, failures });
})();
`;

const CONTROL_SERVER = `
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export async function probeHealth(baseUrl: string, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<HealthProbe> {
  const control = spawn(process.execPath, ['-e', CONTROL_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(control.stdout!, 'data')) as [Buffer];
  const worker = new Worker(PROBE_THREAD, {
    eval: true,
    workerData: {
      url: `${baseUrl}/healthz`,
      controlUrl: `http://127.0.0.1:${String(port).trim()}/`,
      intervalMs: options.intervalMs ?? 50,
      timeoutMs: options.timeoutMs ?? 2_000,
    },
  });
  const done = new Promise<{ rounds: Array<{ server: number; control: number }>; failures: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const { rounds, failures } = await done.finally(() => control.kill());
      await worker.terminate();
      const times = rounds.map((round) => round.server).sort((a, b) => a - b);
      return {
        count: rounds.length,
        maxMs: times.at(-1) ?? 0,
        p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
        controlMaxMs: Math.max(0, ...rounds.map((round) => round.control)),
        maxExcessMs: Math.max(0, ...rounds.map((round) => round.server - round.control)),
        failures,
      };
    },
  };
}

export const describeHealth = (health: HealthReport): string =>
  `/healthz answered ${health.count} times, slowest ${health.maxMs.toFixed(0)} ms (p99 ${health.p99Ms.toFixed(0)} ms), ` +
  `at most ${health.maxExcessMs.toFixed(0)} ms beyond an idle process (whose slowest was ${health.controlMaxMs.toFixed(0)} ms), ${health.failures} unanswered`;
