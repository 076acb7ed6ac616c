import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The load the replay bench measures beside (issue 20: "with the bench's load beside it"): recording
 * visitors sending a batch every 2 s to the same server (ingest-visitor-worker.ts, a child process),
 * and processes that keep a CPU core busy, as a build or a second service on the machine would.
 */
export const LOAD_VISITORS = 200;
export const LOAD_CPU_SPINNERS = 1;
/** After the visitors connected: their first batches (a burst no real site sees) are answered. */
const SETTLE_MS = 4_000;

/** The whole machine's CPU time so far (all cores): busy and total, in clock ticks. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');

/** How loaded the machine was between two readings: busy share of all its cores, load average now. */
export function machineLoad() {
  const start = machineTicks();
  const loadBefore = loadAverage();
  return {
    describe(): string {
      const end = machineTicks();
      const busy = (end.busy - start.busy) / Math.max(1, end.total - start.total);
      return `machine CPU ${(busy * 100).toFixed(0)} % busy (${os.cpus().length} cores), load average ${loadBefore} before, ${loadAverage()} after`;
    },
  };
}

/**
 * Waits until the machine is quiet: a whole second with its CPUs at most `busyShare` busy (the seeded
 * session's own analysis, heatmap counts and compaction run in the server's background once it
 * completes; a replay opened later finds them done). Resolves with the seconds waited; gives up after `maxMs`.
 */
export async function untilQuiet(busyShare = 0.2, maxMs = 120_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = machineTicks();
    if ((after.busy - before.busy) / Math.max(1, after.total - before.total) <= busyShare) break;
  }
  return (Date.now() - started) / 1000;
}

export interface ReplayLoad {
  visitors: number;
  stop(): Promise<void>;
}

/** Starts the load against `serverUrl` (widget key `key`); resolves once the visitors record. */
export async function startReplayLoad(serverUrl: string, key: string): Promise<ReplayLoad> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    const visitorWorker = fileURLToPath(new URL('./ingest-visitor-worker.ts', import.meta.url));
    const visitors = fork(visitorWorker, [serverUrl, key, String(LOAD_VISITORS), 'replay-load'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(visitors);
    const connected = await new Promise<number>((resolve, reject) => {
      visitors.on('message', (message: { type: string; connected?: number }) => message.type === 'connected' && resolve(message.connected ?? 0));
      visitors.once('exit', (code) => reject(new Error(`the visitors' process exited (${code})`)));
    });
    const spinner = fileURLToPath(new URL('./cpu-spin-worker.ts', import.meta.url));
    for (let i = 0; i < LOAD_CPU_SPINNERS; i++) children.push(fork(spinner, [], { execArgv: ['--import', 'tsx'] }));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { visitors: connected, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
