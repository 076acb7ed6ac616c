import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { InstanceRepository } from '../storage/ports.js';

/** How long a one-off job (start-up work) may hold its lease without finishing before another node may run it. */
const ONE_OFF_LEASE_MS = 60_000;
/** A node waiting for another's one-off job looks again this often. */
const ONE_OFF_POLL_MS = 250;

export interface LeasedJobs {
  /**
   * Runs `run` every `intervalMs` on exactly one node of those sharing the database: the node holding
   * the job's lease (free, or expired after `intervalMs` × 3 without renewal, or its own). The holder
   * keeps it while alive; when it dies another takes over. Runs never overlap on one node.
   */
  every(job: string, intervalMs: number, run: () => Promise<unknown>): void;
  /** Runs `run` under the job's lease, waiting while another node runs it (start-up work, each node in turn). */
  exclusively<T>(job: string, run: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export function leasedJobs(deps: { instance: InstanceRepository; logger: Logger; now?: () => Date }): LeasedJobs {
  const { instance, logger } = deps;
  const now = deps.now ?? (() => new Date());
  // One holder id per process: the lease survives between ticks, so the same node keeps the job.
  const holder = randomUUID();
  const timers: NodeJS.Timeout[] = [];
  const held = new Set<string>();
  const take = (job: string, leaseMs: number) => instance.takeJobLease(job, holder, now(), new Date(now().getTime() + leaseMs));

  return {
    every(job, intervalMs, run) {
      let running = false;
      timers.push(
        setInterval(() => {
          if (running) return;
          running = true;
          void take(job, intervalMs * 3)
            .then(async (mine) => {
              if (!mine) return held.delete(job);
              held.add(job);
              await run();
            })
            .catch((error: Error) => logger.error({ err: error, job }, 'periodic job failed'))
            .finally(() => (running = false));
        }, intervalMs).unref(),
      );
    },

    async exclusively(job, run) {
      while (!(await take(job, ONE_OFF_LEASE_MS))) await new Promise((resolve) => setTimeout(resolve, ONE_OFF_POLL_MS));
      try {
        return await run();
      } finally {
        await instance.releaseJobLease(job, holder).catch((error: Error) => logger.warn({ err: error, job }, 'could not release a job lease'));
      }
    },

    async stop() {
      for (const timer of timers) clearInterval(timer);
      // A node that stops gives its jobs to the others at once instead of after the lease expires.
      await Promise.all([...held].map((job) => instance.releaseJobLease(job, holder).catch(() => {})));
    },
  };
}
