import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { startEmbeddedEngine } from '../storage/engines.js';

/**
 * One database for two test servers (startTestServer's `dbName` on this `uri`): the run's MONGODB_URI,
 * or an embedded engine of its own, stopped and removed by the cleanup it pushes.
 */
export async function sharedDatabase(name: string, cleanups: Array<() => Promise<unknown>>): Promise<{ uri: string; dbName: string }> {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `chatreel-${name}-`));
    const engine = await startEmbeddedEngine(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).ferretdbCacheDir, dataDir);
    cleanups.push(async () => (await engine.stop(), rmSync(dataDir, { recursive: true, force: true })));
    uri = engine.uri;
  }
  return { uri, dbName: `${name}_${process.pid}_${Date.now()}` };
}
