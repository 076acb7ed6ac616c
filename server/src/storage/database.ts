import { mkdirSync } from 'node:fs';
import mongoose, { type Connection } from 'mongoose';
import { ensureFerretdbBinary } from './embedded/ferretdb-binary.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/ferretdb-process.js';
import { bindModels, type Models } from './models.js';
import { mongooseRepositories } from './mongoose-repositories.js';
import { activityIndexFor } from './activity-index.js';
import { ensureActivityIndex } from './activity-index-rebuild.js';
import type { Repositories } from './repositories.js';
import type { FontFilesRepository } from './font-files-repository.js';
import { mongooseFontFiles } from './mongoose-font-files.js';

export interface DatabaseHealth {
  connected: boolean;
  engine: 'MongoDB' | 'FerretDB' | 'unknown';
  version: string | null;
  embedded: boolean;
}

export interface Database {
  repos: Repositories;
  models: Models;
  /** The replay's font files (issue 19). */
  fonts: FontFilesRepository;
  health(): Promise<DatabaseHealth>;
  /** Closes the connection, then stops the embedded database if we started one. */
  close(): Promise<void>;
  /** The embedded child, when there is one (tests look at its pid). */
  embedded: EmbeddedDatabase | undefined;
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

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
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
  return {
    repos: mongooseRepositories(models),
    fonts: mongooseFontFiles(connection),
    models,
    embedded,
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
}
