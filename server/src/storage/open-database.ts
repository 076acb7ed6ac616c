import { mkdirSync } from 'node:fs';
import mongoose, { type Connection } from 'mongoose';
import { ensureFerretdbBinary } from './embedded/ferretdb-binary.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/ferretdb-process.js';
import { embeddedStorage } from './embedded/embedded-storage.js';
import { registerInternals } from './internals.js';
import { nativeStorage } from './mongo/native-storage.js';
import { eraseApp } from './app-erasure.js';
import { mongooseFontFiles } from './font-files.js';
import { mongooseApiTokens } from './api-tokens.js';
import { mongoWebhooks } from './webhooks.js';
import { mongooseHeatmaps } from './heatmaps.js';
import { migrateHeatmapsLayout } from './heatmaps-previous-layout.js';
import { bindModels, type Models } from './models.js';
import type { DatabaseHealth, IngestTuning, Storage } from './ports.js';
import { SHARED_INDEXES } from './shared-indexes.js';

export type { Storage };

export interface OpenDatabaseOptions {
  mongodbUri: string | undefined;
  dataDir: string;
  ferretdbCacheDir: string;
  /** Database name used on the embedded server and when the URI names none. */
  dbName?: string;
  log?: (line: string) => void;
  onEmbeddedCrash?: (code: number | null) => void;
  /** Tests only: another implementation than the engine's own (the contract runs every one on every engine). */
  implementation?: 'embedded' | 'native';
  /** The ingest path's write-behind period and backpressure bound (config.ts). */
  ingest?: IngestTuning;
}

const SERVER_SELECTION_TIMEOUT_MS = 10_000;

/**
 * Opens the database and the one implementation of the port it gets, chosen here once: the embedded
 * read model on FerretDB (the embedded child, or a FerretDB behind MONGODB_URI), MongoDB-native on
 * MongoDB. Nothing else in the server knows which.
 */
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
  let ferretdb: boolean;
  try {
    ferretdb = Boolean(embedded) || (await isFerretdb(uri));
    connection = mongoose.createConnection(uri, {
      dbName: embedded ? (options.dbName ?? 'chatreel') : options.dbName,
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      // FerretDB 1.x has no sessions or transactions: retryable writes only on MongoDB.
      retryWrites: !ferretdb,
      autoIndex: false,
    });
    await connection.asPromise();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const models = bindModels(connection);
  await createIndexes(connection, models, log);
  const implementation = options.implementation ?? (ferretdb ? 'embedded' : 'native');
  const { parts, internals } = implementation === 'embedded' ? await embeddedStorage(connection, models, log, options.ingest) : await nativeStorage(connection, models, log, options.ingest);
  await migrateHeatmapsLayout(connection, log);

  let engine: DatabaseHealth['engine'] = 'unknown';
  let version: string | null = null;
  const storage: Storage = {
    ...parts,
    fonts: mongooseFontFiles(connection),
    apiTokens: mongooseApiTokens(connection),
    webhooks: mongoWebhooks(connection),
    heatmaps: mongooseHeatmaps(connection),
    async *documents(collections) {
      const db = connection.db!;
      for (const { name } of await db.listCollections().toArray()) {
        if (collections && !collections.includes(name)) continue;
        for await (const document of db.collection(name).find({})) yield { collection: name, document };
      }
    },
    eraseApp: (appId) => eraseApp(connection, parts.repos, appId, () => parts.settle?.() ?? Promise.resolve()),
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
      await parts.close().catch(() => {});
      await connection.close().catch(() => {});
      await embedded?.stop();
    },
  };
  registerInternals(storage, internals);
  return storage;
}

/** Whether the server behind the URI is FerretDB (it names its own version in buildInfo). */
async function isFerretdb(uri: string): Promise<boolean> {
  const probe = mongoose.createConnection(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS, retryWrites: false, autoIndex: false });
  try {
    await probe.asPromise();
    const info = await probe.db!.admin().command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string';
  } finally {
    await probe.close().catch(() => {});
  }
}

/** The accounts' own indexes and the unique ones every implementation relies on. Creation can fail on an engine that lacks an index kind: said, not fatal. */
async function createIndexes(connection: Connection, models: Models, log: (line: string) => void) {
  const failed = (what: string) => (error: Error) => log(`index creation failed for ${what}: ${error.message}`);
  await Promise.all([
    ...[models.App, models.User, models.Login].map((model) => model.createIndexes().catch(failed(model.modelName))),
    ...SHARED_INDEXES.map(({ collection, key, options }) => connection.db!.collection(collection).createIndex(key, options).catch(failed(collection))),
  ]);
}
