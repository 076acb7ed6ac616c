import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApplication, type Application } from '../app.js';
import { bootstrapInstallation } from '../apps/bootstrap.js';
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from '../storage/open-database.js';
import type { Storage } from '../storage/ports.js';
import { pooledPasswordHasher } from '../auth/passwords.js';
import { createWorkers, type WorkerPoolOptions } from '../workers/worker-pool.js';

export const TEST_OWNER = { email: 'owner@test.local', password: 'correct-horse-battery' };

/** The embedded engine (and so the embedded read model) whatever engine the run uses: for the read model's own tests. */
export const EMBEDDED = { MONGODB_URI: '' };

export interface TestServer {
  url: string;
  config: Config;
  db: Storage;
  app: Application;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real application on port 0 with a fresh embedded database (or MONGODB_URI with a unique
 * database name), for tests that talk to it with real HTTP and socket.io-client.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  /** `dbName`: a database of that name on MONGODB_URI (two servers sharing one database). */
  options: { now?: () => Date; workers?: WorkerPoolOptions; dbName?: string; webhookPollMs?: number } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    OWNER_EMAIL: TEST_OWNER.email,
    OWNER_PASSWORD: TEST_OWNER.password,
    LOG_LEVEL: 'silent',
    MONGODB_URI: process.env.MONGODB_URI ?? '',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({
    mongodbUri: config.mongodbUri,
    dataDir,
    ferretdbCacheDir: config.ferretdbCacheDir,
    ingest: config.ingest,
    dbName: options.dbName ?? (config.mongodbUri ? `chatreel_test_${path.basename(dataDir).replace(/\W/g, '_')}` : undefined),
  });
  const workers = createWorkers({ threads: 2, ...options.workers });
  await bootstrapInstallation(
    db.repos,
    { ownerEmail: config.owner.email, ownerPassword: config.owner.password, dataDir, demoApp: config.demoApp },
    pooledPasswordHasher(workers),
    logger,
  );
  const app = await createApplication({ config, logger, db, workers, now: options.now, webhookPollMs: options.webhookPollMs });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    db,
    app,
    dataDir,
    async close() {
      await app.close();
      await workers.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
