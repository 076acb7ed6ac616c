import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication, type Application } from '../app.js';
import { createLogger } from '../logger.js';
import type { Storage } from '../storage/ports.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { createWorkers } from '../workers/worker-pool.js';

/**
 * Two nodes on one database (two applications in this process, as two server processes would be):
 * each periodic job runs on one of them only, and moves to the other when that one stops.
 */
const SWEEP_MS = 100;
const RETENTION_MS = 150;
const OBSERVE_MS = 1_200;

let server: TestServer;
const workers = createWorkers({ threads: 1 });

interface Node {
  app: Application;
  runs: { sweep: number; retention: number };
}

/** A node whose storage counts the jobs' first reads: the sweep lists applications with active sessions, retention all. */
async function startNode(): Promise<Node> {
  const runs = { sweep: 0, retention: 0 };
  const recordings = server.db.repos.recordings;
  const db: Storage = {
    ...server.db,
    repos: {
      ...server.db.repos,
      recordings: {
        ...recordings,
        appIdsWithSessions: (status) => {
          runs[status === 'active' ? 'sweep' : 'retention'] += 1;
          return recordings.appIdsWithSessions(status);
        },
      },
    },
  };
  const app = await createApplication({ config: server.config, logger: createLogger('silent'), db, workers, jobIntervals: { sweepMs: SWEEP_MS, retentionMs: RETENTION_MS } });
  return { app, runs };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await workers.close();
});

describe('periodic jobs with two nodes on one database', () => {
  it('runs the lifecycle sweep and retention on one node only, and on the other once that one stops', async () => {
    const nodes = [await startNode(), await startNode()];
    await new Promise((resolve) => setTimeout(resolve, OBSERVE_MS));
    for (const job of ['sweep', 'retention'] as const) {
      const counts = nodes.map((node) => node.runs[job]);
      expect(counts.filter((count) => count > 0), `${job} ran on ${JSON.stringify(counts)}`).toHaveLength(1);
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
    }
    const sweeper = nodes.findIndex((node) => node.runs.sweep > 0);
    const [stopping, staying] = [nodes[sweeper], nodes[1 - sweeper]];
    await stopping.app.close();
    // A stopping node gives its leases up: the other takes the job at its next tick, not after expiry.
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 4));
    expect(staying.runs.sweep).toBeGreaterThan(0);
    await staying.app.close();
  });
});
