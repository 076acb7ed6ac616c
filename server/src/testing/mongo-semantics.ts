import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngineChild, type EngineProcess } from '../storage/engines.js';

/**
 * The MongoDB-semantics engine for tests: mongo-java-server (in-memory, atomic single-document updates,
 * MongoDB's query semantics) run by the tiny launcher in server/mongo-semantics/. MongoDB itself cannot
 * be installed on our machines; this stands in for it so every storage test can run on both engines.
 */
export const MONGO_SEMANTICS_DIR = fileURLToPath(new URL('../../mongo-semantics/', import.meta.url));
export const MONGO_SEMANTICS_JAR = path.join(MONGO_SEMANTICS_DIR, 'target', 'mongo-semantics.jar');
const SOURCES = ['pom.xml', 'src/main/java/chatreel/MongoSemanticsServer.java'];
/** The JVM's heap: every test database of a run lives in it (recorded chunks included); the benchmark asks for more. */
const DEFAULT_HEAP = '1g';

const jarIsCurrent = () =>
  existsSync(MONGO_SEMANTICS_JAR) &&
  SOURCES.every((file) => statSync(path.join(MONGO_SEMANTICS_DIR, file)).mtimeMs <= statSync(MONGO_SEMANTICS_JAR).mtimeMs);

/**
 * Builds the launcher's jar with Maven when it is missing or older than its sources: offline first
 * (dependencies already in ~/.m2), then from Maven Central. Called once per run (global-setup.ts),
 * never by tests, so parallel test files do not build it twice.
 */
export function ensureMongoSemanticsJar(progress: (line: string) => void = () => {}): void {
  if (jarIsCurrent()) return;
  progress('Building the MongoDB-semantics test engine (mongo-java-server) with Maven…');
  for (const args of [['-q', '-o', 'package'], ['-q', 'package']]) {
    const build = spawnSync('mvn', args, { cwd: MONGO_SEMANTICS_DIR, encoding: 'utf8' });
    if (build.error) throw new Error(`Maven (mvn) is needed to build the MongoDB-semantics test engine: ${build.error.message}`);
    if (build.status === 0 && jarIsCurrent()) return;
    if (args.includes('-o')) continue;
    throw new Error(`Building the MongoDB-semantics test engine failed (mvn ${args.join(' ')}):\n${build.stdout}${build.stderr}`);
  }
}

/** Starts the engine on a free loopback port; `uri` names no database (pick one per test). */
export async function startMongoSemantics(log: (line: string) => void = () => {}, heap = DEFAULT_HEAP): Promise<EngineProcess> {
  if (!existsSync(MONGO_SEMANTICS_JAR)) {
    throw new Error(`The MongoDB-semantics test engine is not built: run \`mvn -q package\` in ${MONGO_SEMANTICS_DIR} (needs Java 17 and Maven)`);
  }
  return startEngineChild('The MongoDB-semantics test engine', 'java', [`-Xmx${heap}`, '-jar', MONGO_SEMANTICS_JAR, '0'], log);
}
