/**
 * Insights analyses one at a time for this server process: each reads up to MAX_INSIGHT_STORED_BYTES
 * and holds a worker thread for up to INSIGHTS_TASK_TIMEOUT_MS, so running them side by side would
 * multiply both and leave no thread for sign-ins. An agent waiting on the screen goes first; sessions
 * that completed wait in a bounded queue (past it they are refused, and say so).
 */
export class InsightsQueueFull extends Error {
  constructor() {
    super('insights queue full');
  }
}

export interface InsightsQueue {
  run<T>(lane: 'urgent' | 'background', task: () => Promise<T>): Promise<T>;
  /** Resolves once nothing runs or waits (tests, shutdown). */
  idle(): Promise<void>;
}

export function createInsightsQueue(maxQueued: number): InsightsQueue {
  const waiting = { urgent: [] as Array<() => void>, background: [] as Array<() => void> };
  let running = false;
  const idleWaiters: Array<() => void> = [];

  const next = () => {
    if (running) return;
    const start = waiting.urgent.shift() ?? waiting.background.shift();
    if (start) {
      running = true;
      start();
      return;
    }
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  return {
    run(lane, task) {
      if (waiting[lane].length >= maxQueued) return Promise.reject(new InsightsQueueFull());
      return new Promise((resolve, reject) => {
        waiting[lane].push(() => {
          task()
            .then(resolve, reject)
            .finally(() => {
              running = false;
              next();
            });
        });
        next();
      });
    },
    idle() {
      if (!running && waiting.urgent.length === 0 && waiting.background.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
