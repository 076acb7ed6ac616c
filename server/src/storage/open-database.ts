import { mkdirSync } from 'node:fs';
import mongoose, { type Connection } from 'mongoose';
import { ensureFerretdbBinary } from './embedded/ferretdb-binary.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/ferretdb-process.js';
import { bindModels, type Models } from './models.js';
import { mongooseRepositories } from './mongoose-repositories.js';
import { activityIndexFor } from './activity-index.js';
import { ensureActivityIndex } from './activity-index-rebuild.js';
import { embeddedActivityStore } from './activity-store.js';
import { embeddedBulkLoader } from './bulk-loader.js';
import { insightsStore } from './insights-store.js';
import { registerInternals } from './internals.js';
import type { DatabaseHealth, Storage } from './ports.js';
import { teamQueries } from './team-queries.js';

export type { Storage };

/** What tests inside storage/ may reach behind the port (internals.ts). */
export interface EmbeddedInternals {
  models: Models;
}

export interface OpenDatabaseOptions {
  mongodbUri: string | undefined;
  dataDir: string;
  ferretdbCacheDir: string;
  /** Database name used on the embedded server and when the URI names none. */
  dbName?: string;
  log?: (line: string) => void;
  onEmbeddedCrash?: (code: number | null) => void;
}

const SERVER_SELECTION_TIMEOUT_MS = 10_000;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Storage> {
  const log = options.log ?? (() => {});
  let embedded: EmbeddedDatabase | undefined;
  let uri = options.mongodbUri;
  if (!uri) {
    const binary = await ensureFerretdbBinary(options.ferretdbCacheDir, log);
    mkdirSync(options.dataDir, { recursive: true });
    embedded = await startEmbeddedDatabase(binary, options.dataDir);
    if (options.onEmbeddedCrash) embedded.onUnexpectedExit(options.onEmbeddedCrash);
    uri = embedded.uri;
  }

  let connection: Connection;
  try {
    connection = mongoose.createConnection(uri, {
      dbName: embedded ? (options.dbName ?? 'chatreel') : options.dbName,
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      // FerretDB 1.x has no sessions or transactions; never ask for retryable writes through them.
      retryWrites: false,
      autoIndex: false,
    });
    await connection.asPromise();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const models = bindModels(connection);
  // Index creation can fail on an engine that lacks an index kind; say so, keep running.
  await Promise.all(
    Object.values(models).map((model) =>
      model.createIndexes().catch((error: Error) => log(`index creation failed for ${model.modelName}: ${error.message}`)),
    ),
  );

  // The console's counters, chart and lists read materialized documents (activity-index-model.ts).
  await ensureActivityIndex(models, log);

  let engine: DatabaseHealth['engine'] = 'unknown';
  let version: string | null = null;
  const repos = mongooseRepositories(models);
  const storage: Storage = {
    repos,
    activity: embeddedActivityStore(models),
    insights: insightsStore(models, repos.messages),
    team: teamQueries(models),
    bulk: embeddedBulkLoader(models),
    async *documents() {
      const db = connection.db!;
      for (const { name } of await db.listCollections().toArray()) {
        for await (const document of db.collection(name).find({})) yield { collection: name, document };
      }
    },
    async health() {
      try {
        const info = await connection.db!.admin().command({ buildInfo: 1 });
        engine = typeof info.ferretdbVersion === 'string' ? 'FerretDB' : 'MongoDB';
        version = String(info.ferretdbVersion ?? info.version ?? '') || null;
        await connection.db!.admin().command({ ping: 1 });
        return { connected: true, engine, version, embedded: Boolean(embedded) };
      } catch {
        return { connected: false, engine, version, embedded: Boolean(embedded) };
      }
    },
    async close() {
      await activityIndexFor(models.ActivityIndex).flush().catch(() => {});
      await connection.close().catch(() => {});
      await embedded?.stop();
    },
  };
  registerInternals<EmbeddedInternals>(storage, { models });
  return storage;
}
