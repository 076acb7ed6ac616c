import type { AddressInfo } from 'node:net';
import { createApplication } from './app.js';
import { bootstrapInstallation } from './apps/bootstrap.js';
import { leasedJobs } from './jobs/leased-jobs.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startBanner } from './start-banner.js';
import { GoMissingError } from './storage/engines.js';
import { openDatabase } from './storage/open-database.js';
import type { Storage } from './storage/ports.js';
import { pooledPasswordHasher } from './auth/passwords.js';
import { createWorkers } from './workers/worker-pool.js';

/** The only file that listens. Starts the database (embedded unless MONGODB_URI), the app, and owns shutdown. */

const SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * With several nodes, how long a stopping node answers /readyz 503 before it closes: the balancer's
 * health check sees it first (deploy/haproxy.cfg checks every 1 s, down after 2 failures), so the
 * clients that reconnect when their sockets close are sent to the other nodes.
 */
const DRAIN_NOTICE_MS = 3_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const prettyLogs = process.stdout.isTTY === true;
  const logger = createLogger(config.logLevel, { pretty: prettyLogs });
  let db: Storage | undefined;
  let closeApp: (() => Promise<void>) | undefined;
  let drainApp: (() => void) | undefined;
  const workers = createWorkers();
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => process.exit(exitCode || 1), SHUTDOWN_TIMEOUT_MS).unref();
    // Graceful drain: out of the balancer first, then the sockets close (clients reconnect elsewhere and
    // resend what was not acknowledged: batches by seq and messages by client id are stored once).
    drainApp?.();
    if (drainApp && config.redisUrl && exitCode === 0) await new Promise((resolve) => setTimeout(resolve, DRAIN_NOTICE_MS));
    await closeApp?.().catch(() => {});
    await workers.close().catch(() => {});
    await db?.close().catch(() => {});
    clearTimeout(force);
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });

  try {
    db = await openDatabase({
      mongodbUri: config.mongodbUri,
      dataDir: config.dataDir,
      ferretdbCacheDir: config.ferretdbCacheDir,
      ingest: { ...config.ingest, onError: (error) => logger.warn({ err: error }, 'derived recording state not written yet; retried') },
      log: (line) => process.stderr.write(`${line}\n`),
      onEmbeddedCrash: (code) => {
        logger.fatal({ code }, 'the embedded database stopped unexpectedly');
        void shutdown('embedded database exited', 1);
      },
    });
  } catch (error) {
    if (error instanceof GoMissingError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const health = await db.health();
  logger.info({ database: health }, 'database connected');

  // Nodes starting at once bootstrap in turn: one creates the owner and the demo, the others find them.
  const repos = db.repos;
  await leasedJobs({ instance: repos.instance, logger }).exclusively('bootstrap', () =>
    bootstrapInstallation(
      repos,
      { ownerEmail: config.owner.email, ownerPassword: config.owner.password, dataDir: config.dataDir, demoApp: config.demoApp },
      pooledPasswordHasher(workers),
      logger,
    ),
  );
  const app = await createApplication({ config, logger, db, workers });
  closeApp = app.close;
  drainApp = app.drain;
  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = app.httpServer.address() as AddressInfo;
  const banner = startBanner({
    publicUrl: config.publicUrl,
    host: config.host,
    port,
    demoApp: config.demoApp,
    ownerPasswordSet: config.owner.password !== undefined,
    ownerEmail: config.owner.email,
    dataDir: config.dataDir,
  });
  // On a terminal the banner's lines say it all; a collector gets the same facts as fields.
  logger.info(prettyLogs ? {} : { port, console: banner.consoleUrl, demo: banner.demoUrl, firstPassword: banner.firstPassword }, banner.text);
}

main().catch((error) => {
  process.stderr.write(`Chatreel failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
