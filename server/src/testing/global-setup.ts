import { loadConfig } from '../config.js';
import { prepareEmbeddedEngine } from '../storage/engines.js';
import { ensureMongoSemanticsJar, startMongoSemantics } from './mongo-semantics.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Before any test starts: builds the embedded database and the MongoDB-semantics test engine once
 * (no-ops when built). With CHATREEL_TEST_ENGINE=mongo-semantics the whole run uses that engine: it is
 * started here and every test server gets it through MONGODB_URI (a database per test server).
 */
export default async function setup(): Promise<(() => Promise<void>) | void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (!config.mongodbUri) await prepareEmbeddedEngine(config.ferretdbCacheDir, log);
  try {
    ensureMongoSemanticsJar(log);
  } catch (error) {
    // Only the tests that run on this engine need it; they say so when it is missing.
    log(`MongoDB-semantics test engine unavailable: ${(error as Error).message}`);
  }
  if (process.env.CHATREEL_TEST_ENGINE !== 'mongo-semantics') return;
  const engine = await startMongoSemantics(log);
  process.env.MONGODB_URI = engine.uri;
  return () => engine.stop();
}
