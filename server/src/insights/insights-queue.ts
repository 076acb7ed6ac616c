/**
 * Insights analyses one at a time for this server process: each reads up to MAX_INSIGHT_STORED_BYTES
 * and holds a worker thread for up to INSIGHTS_TASK_TIMEOUT_MS, so running them side by side would
 * multiply both and leave no thread for sign-ins. An agent waiting on the screen goes first; sessions
 * that completed wait in a bounded queue (past it they are refused, and say so). One session is
 * analysed once at a time: asking again while it waits or runs shares that analysis (the console polls
 * while a session's insights are pending), and an agent asking for one still waiting moves it ahead.
 */
export class InsightsQueueFull extends Error {
  constructor() {
    super('insights queue full');
  }
}

export type InsightsLane = 'urgent' | 'background';

export interface InsightsQueue {
  run<T>(lane: InsightsLane, key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves once nothing runs or waits (tests, shutdown). */
  idle(): Promise<void>;
}

interface Entry {
  lane: InsightsLane;
  started: boolean;
  start: () => void;
  promise: Promise<unknown>;
}

export function createInsightsQueue(maxQueued: number): InsightsQueue {
  const waiting: Record<InsightsLane, string[]> = { urgent: [], background: [] };
  const entries = new Map<string, Entry>();
  let running = false;
  const idleWaiters: Array<() => void> = [];

  const next = () => {
    if (running) return;
    const key = waiting.urgent.shift() ?? waiting.background.shift();
    const entry = key === undefined ? undefined : entries.get(key);
    if (entry) {
      running = true;
      entry.started = true;
      entry.start();
      return;
    }
    if (entries.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  return {
    run<T>(lane: InsightsLane, key: string, task: () => Promise<T>): Promise<T> {
      const existing = entries.get(key);
      if (existing) {
        if (lane === 'urgent' && existing.lane === 'background' && !existing.started) {
          waiting.background.splice(waiting.background.indexOf(key), 1);
          waiting.urgent.push(key);
          existing.lane = 'urgent';
        }
        return existing.promise as Promise<T>;
      }
      if (waiting[lane].length >= maxQueued) return Promise.reject(new InsightsQueueFull());
      let start!: () => void;
      const promise = new Promise<T>((resolve, reject) => {
        start = () => {
          task()
            .then(resolve, reject)
            .finally(() => {
              entries.delete(key);
              running = false;
              next();
            });
        };
      });
      entries.set(key, { lane, started: false, start, promise });
      waiting[lane].push(key);
      next();
      return promise;
    },
    idle() {
      if (entries.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
