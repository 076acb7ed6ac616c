import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config.js';
import { startMongoSemantics } from '../../testing/mongo-semantics.js';
import { openDatabase, type Storage } from '../open-database.js';
import { ensureFerretdbBinary } from '../embedded/ferretdb-binary.js';
import { startEmbeddedDatabase } from '../embedded/ferretdb-process.js';

/** A database engine the storage contract runs on, reached through its MongoDB wire URI. */
export interface RunningEngine {
  uri: string;
  stop(): Promise<void>;
}

export interface ContractEngine {
  name: string;
  start(): Promise<RunningEngine>;
}

const testConfig = () => loadConfig();

/**
 * Every engine the storage port must behave the same on: the embedded FerretDB (patched build, SQLite
 * files in a temporary directory) and MongoDB's semantics (mongo-java-server). Each is started as a
 * server that several clients — or several Chatreel processes — can share.
 */
export const CONTRACT_ENGINES: ContractEngine[] = [
  {
    name: 'embedded FerretDB',
    async start() {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-contract-'));
      const database = await startEmbeddedDatabase(await ensureFerretdbBinary(testConfig().ferretdbCacheDir), dataDir);
      return {
        uri: database.uri,
        async stop() {
          await database.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  { name: 'MongoDB semantics (mongo-java-server)', start: () => startMongoSemantics() },
];

/**
 * Every implementation of the port on every engine: each on its own engine (what a server gets), and
 * each on the other one too — the embedded read model's compare-and-set under MongoDB's semantics,
 * the native queries under FerretDB's.
 */
export const CONTRACT_TARGETS = CONTRACT_ENGINES.flatMap((engine, i) =>
  (['embedded', 'native'] as const).map((implementation) => ({
    name: `${implementation === 'embedded' ? 'the embedded read model' : 'MongoDB-native'} on ${engine.name}${(implementation === 'embedded') === (i === 0) ? '' : ' (crossed)'}`,
    engine,
    implementation,
  })),
);

let databases = 0;

/** A database on a running engine (a fresh one unless named), opened the way the server opens one (the engine's implementation unless another is named). */
export function openContractDatabase(
  engine: RunningEngine,
  dbName = `contract_${process.pid}_${++databases}`,
  implementation?: 'embedded' | 'native',
  log?: (line: string) => void,
): Promise<Storage> {
  return openDatabase({
    mongodbUri: engine.uri,
    dbName,
    dataDir: os.tmpdir(),
    ferretdbCacheDir: testConfig().ferretdbCacheDir,
    implementation,
    log,
  });
}

/**
 * A contract suite's storage: in `beforeAll`, the target's engine started and a fresh database opened
 * with one application in it; in `afterAll`, both closed. Read the fields inside the tests.
 */
export function contractStorage(target: (typeof CONTRACT_TARGETS)[number], appName: string, hooks: { beforeAll(fn: () => Promise<void>): void; afterAll(fn: () => Promise<void>): void }) {
  const opened = {} as { engine: RunningEngine; db: Storage; appId: string };
  hooks.beforeAll(async () => {
    opened.engine = await target.engine.start();
    opened.db = await openContractDatabase(opened.engine, undefined, target.implementation);
    opened.appId = (await opened.db.repos.apps.create({ name: appName, publicKey: `pk_${appName.toLowerCase()}_${Date.now()}`, allowedOrigins: ['https://shop.example'] })).id;
  });
  hooks.afterAll(async () => {
    await opened.db?.close();
    await opened.engine?.stop();
  });
  return opened;
}
