import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { BACKGROUND_TASKS, type TaskInput, type TaskName, type TaskOutput } from './tasks.js';

/**
 * CPU-heavy work (password hashing, reading recordings for insights) runs here, off the event loop, so
 * no client can stall `/healthz` or another visitor's acknowledgements. Each task has a time limit and
 * each worker a heap limit: a task past either ends its worker (piscina starts a fresh one) and fails
 * with a WorkerTaskError; the server goes on.
 */

/** Worker threads: one per core, at least two, so a long insights task never holds up a sign-in. */
const DEFAULT_THREADS = Math.max(2, availableParallelism());
/** Tasks waiting for a worker before new ones are refused (reason `busy`). */
const DEFAULT_MAX_QUEUE = 256;
/** Heap of one worker; a task that needs more is ended (reason `memory`). */
const DEFAULT_MAX_HEAP_MB = 512;
/** A task running longer than this is ended (reason `timeout`). */
const DEFAULT_TASK_TIMEOUT_MS = 30_000;

export type WorkerFailure = 'timeout' | 'memory' | 'busy' | 'failed' | 'closed';

export class WorkerTaskError extends Error {
  constructor(
    readonly task: string,
    readonly reason: WorkerFailure,
    options?: { cause?: unknown },
  ) {
    super(`worker task ${task} failed: ${reason}`, options);
    this.name = 'WorkerTaskError';
  }
}

export interface WorkerPoolOptions {
  threads?: number;
  maxQueue?: number;
  maxHeapMb?: number;
  taskTimeoutMs?: number;
  /** The module the workers run (tests of the pool itself give another one). */
  tasksFile?: string;
}

export interface WorkerPool {
  run<N extends TaskName>(name: N, input: TaskInput<N>, options?: { timeoutMs?: number; transferList?: ArrayBuffer[] }): Promise<TaskOutput<N>>;
  /** Tasks running or queued now. */
  pending(): number;
  close(): Promise<void>;
}

const TASKS_FILE = new URL('./tasks-entry.ts', import.meta.url).href;

export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const threads = options.threads ?? DEFAULT_THREADS;
  const taskTimeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const piscina = new Piscina({
    filename: options.tasksFile ?? TASKS_FILE,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB },
    // The server runs TypeScript through tsx (`node --import tsx`); a worker needs the same loader,
    // also when the parent was started another way (vitest).
    execArgv: process.execArgv.some((arg) => arg.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'],
  });
  let closed = false;
  let inFlight = 0;
  // Counted here rather than by piscina's maxQueue, which admits tasks until its queue drains.
  const capacity = threads + (options.maxQueue ?? DEFAULT_MAX_QUEUE);

  return {
    async run(name, input, runOptions = {}) {
      if (closed) throw new WorkerTaskError(name, 'closed');
      if (inFlight >= capacity) throw new WorkerTaskError(name, 'busy');
      const signal = AbortSignal.timeout(runOptions.timeoutMs ?? taskTimeoutMs);
      inFlight += 1;
      try {
        return (await piscina.run({ name, input }, { signal, transferList: runOptions.transferList })) as TaskOutput<typeof name>;
      } catch (error) {
        throw new WorkerTaskError(name, failureOf(error, signal), { cause: error });
      } finally {
        inFlight -= 1;
      }
    },
    pending: () => inFlight,
    async close() {
      closed = true;
      await piscina.destroy();
    },
  };
}

function failureOf(error: unknown, signal: AbortSignal): WorkerFailure {
  if (signal.aborted) return 'timeout';
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'memory';
  const message = error instanceof Error ? error.message : '';
  if (/terminated|destroyed/i.test(message)) return 'closed';
  return 'failed';
}

/**
 * The server's workers, in two lanes: interactive tasks (sign-ins, reading large recording batches) on
 * one thread per core, and background tasks (BACKGROUND_TASKS: insights analyses, up to 20 s each) on
 * a thread of their own at lower CPU priority, so a queue of analyses never delays a visitor or a
 * sign-in.
 */
export function createWorkers(options: Omit<WorkerPoolOptions, 'tasksFile'> = {}): WorkerPool {
  const interactive = createWorkerPool(options);
  const background = createWorkerPool({ ...options, threads: 1 });
  return {
    run: (name, input, runOptions) => (BACKGROUND_TASKS.has(name) ? background : interactive).run(name, input, runOptions),
    pending: () => interactive.pending() + background.pending(),
    async close() {
      await Promise.all([interactive.close(), background.close()]);
    },
  };
}
