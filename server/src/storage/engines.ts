import { ensureFerretdbBinary } from './embedded/ferretdb-binary.js';
import { startDatabaseChild, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/ferretdb-process.js';

/**
 * The database engines as processes, for main.ts, `npm run db:build` and the tests: everything
 * outside storage/ needs of them, so nothing there imports the embedded wing itself.
 */
export { GoMissingError } from './embedded/ferretdb-binary.js';
export type EngineProcess = EmbeddedDatabase;

/** Builds the embedded FerretDB once (cached); the path of its binary. */
export const prepareEmbeddedEngine = (cacheDir: string, progress?: (line: string) => void): Promise<string> => ensureFerretdbBinary(cacheDir, progress);

/** The embedded FerretDB as a server several clients (or server processes) can share, files under dataDir. */
export async function startEmbeddedEngine(cacheDir: string, dataDir: string): Promise<EngineProcess> {
  return startEmbeddedDatabase(await ensureFerretdbBinary(cacheDir), dataDir);
}

/** Another engine child speaking the same start protocol (the MongoDB-semantics test engine). */
export const startEngineChild = startDatabaseChild;
